# shellcheck shell=bash
# The SSO token state of the prompt, shared by bash and zsh: `awsswitch init` splices this
# file into both, and each `# @prologue` line becomes that shell's own first line of the
# function (zsh: `emulate -LR zsh` with bash_rematch and ksh_arrays, so BASH_REMATCH reads
# the same in both; bash: nothing). The calling template provides `now` (the time in epoch
# seconds) and __awsswitch_token_read (a capped read of the file into `json`).
#
# It mirrors awsswitch.sso.state (load_token, parse_time, classify) on the same file,
# without a process: `read`, `[[ =~ ]]` (POSIX regexes) and shell arithmetic. JSON is
# checked as json.loads reads it, and a key given twice counts with its last value. Where
# that would take a real parser, it errs towards login-needed (never "fresh" where Python
# says otherwise): a file over 64 KiB, a byte outside ASCII (json.dumps writes none; a BOM
# is one), a NUL byte, a nested object (values may be strings, numbers, true, false, null,
# NaN, Infinity or arrays of those), a key spelled with \u escapes, or a date that holds an
# escape or has a form that Python versions read differently (see __awsswitch_epoch).
# Callers run it untraced: under `set -x` the lines below would print the tokens.

# __awsswitch_epoch DATE: sets __awsswitch_e to the epoch seconds of DATE, or to "" when
# parse_time would not read it. Accepted: optional spaces, YYYY-MM-DD, then optionally one
# separator (any character but "."), HH, :MM, :SS, a fraction (dropped: a second is nothing
# against 15 minutes), and Z, z, UTC, +HH:MM, +HHMM (or -); no zone is UTC. Python's other
# forms (+HH, +HH:MM:SS, week dates, basic format, an offset minute above 59) are "" here.
__awsswitch_epoch() {
    # @prologue
    __awsswitch_e=""
    \builtin local re='^ *([0-9]{4})-([0-9]{2})-([0-9]{2})([^.]([0-9]{2})(:([0-9]{2})(:([0-9]{2}))?)?(\.[0-9]+)?(Z|z|UTC|([+-])([0-9]{2}):?([0-9]{2}))?)? *$'
    [[ ${1-} =~ ${re} ]] || \builtin return 0
    \builtin local -i y="10#${BASH_REMATCH[1]}" m="10#${BASH_REMATCH[2]}" d="10#${BASH_REMATCH[3]}"
    \builtin local -i hh="10#${BASH_REMATCH[5]:-0}" mm="10#${BASH_REMATCH[7]:-0}"
    \builtin local -i ss="10#${BASH_REMATCH[9]:-0}" oh="10#${BASH_REMATCH[13]:-0}"
    \builtin local -i om="10#${BASH_REMATCH[14]:-0}" off=0 dim era yoe doy doe e
    # Python's ranges: a real calendar date in years 1-9999, 23:59:59, offsets under 24h.
    ((y >= 1 && m >= 1 && m <= 12 && d >= 1 && hh <= 23 && mm <= 59 && ss <= 59)) ||
        \builtin return 0
    ((oh <= 23 && om <= 59)) || \builtin return 0
    dim=$((m == 2 ? 28 + (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) :
        30 + ((m + (m > 7)) % 2)))
    ((d <= dim)) || \builtin return 0
    off=$((oh * 3600 + om * 60))
    [[ ${BASH_REMATCH[12]} != - ]] || off=$((-off))
    # Days from the civil date (H. Hinnant's algorithm); the year starts in March.
    y=$((y - (m <= 2)))
    era=$(((y >= 0 ? y : y - 399) / 400))
    yoe=$((y - era * 400))
    doy=$(((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1))
    doe=$((yoe * 365 + yoe / 4 - yoe / 100 + doy))
    e=$((((era * 146097 + doe - 719468) * 86400) + hh * 3600 + mm * 60 + ss - off))
    # In UTC it must stay within 0001-01-01 and 9999-12-31 (astimezone's range).
    ((e >= -62135596800 && e <= 253402300799)) || \builtin return 0
    __awsswitch_e=${e}
}

# shellcheck disable=SC2034 # AWSSWITCH_TOKEN_STATE: read by the prompt
# __awsswitch_token_check FILE NOW: sets AWSSWITCH_TOKEN_STATE to fresh (more than 15
# minutes left at NOW), refreshable (15 minutes or less, or expired, but a refresh can
# work) or login-needed (anything else), as awsswitch.sso.state spells them.
__awsswitch_token_check() {
    # @prologue
    AWSSWITCH_TOKEN_STATE=login-needed
    # Bytes, not characters: the checks below are about bytes (and regexes run faster).
    \builtin local LC_ALL=C
    # json and the helpers' results hold the tokens: local, not left around.
    \builtin local json="" __awsswitch_v="" __awsswitch_e="" now="${2-}" exp reg key re
    \builtin local w=$'[ \t\n\r]*' s sc pair
    [[ -f ${1-} && -r ${1-} ]] || \builtin return 0
    __awsswitch_token_read "$1" || \builtin return 0
    [[ ${json} != *[^$'\x01'-$'\x7f']* ]] || \builtin return 0
    # One JSON object as json.loads reads it (strict strings, its numbers and constants).
    s='"([^"\[:cntrl:]]|'$'\177''|\\(["\/bfnrt]|u[[:xdigit:]]{4}))*"'
    sc="(${s}|"'-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?|true|false|null|NaN|-?Infinity)'
    pair="${s}${w}:${w}(${sc}|\\[${w}(${sc}(${w},${w}${sc})*)?${w}])"
    re="^${w}[{]${w}(${pair}(${w},${w}${pair})*)?${w}[}]${w}\$"
    [[ ${json} =~ ${re} ]] || \builtin return 0
    # Now a `{` or `,`, a string and a colon is a key: one spelled with \u escapes could
    # be one of ours.
    re="[{,]${w}\"[[:alpha:]]*\\\\u[[:xdigit:]]{4}([[:alpha:]]|\\\\u[[:xdigit:]]{4})*\"${w}:"
    [[ ${json} =~ ${re} ]] && \builtin return 0
    # json.loads refuses a whole number of more than 4,300 digits (counts stay under 256,
    # BSD regex's limit).
    re="[:,[]${w}-?[1-9]([0-9]{100}){43}[0-9]*([^.0-9eE]|$)"
    ((${#json} <= 4300)) || [[ ! ${json} =~ ${re} ]] || \builtin return 0
    __awsswitch_token_string accessToken || \builtin return 0
    __awsswitch_token_date expiresAt
    exp=${__awsswitch_e}
    [[ -n ${exp} ]] || \builtin return 0
    if ((exp - now > 900)); then
        AWSSWITCH_TOKEN_STATE=fresh
        \builtin return 0
    fi
    for key in refreshToken clientId clientSecret; do
        __awsswitch_token_string "${key}" || \builtin return 0
    done
    __awsswitch_token_date registrationExpiresAt
    reg=${__awsswitch_e}
    if [[ -n ${reg} ]] && ((reg > now)); then
        AWSSWITCH_TOKEN_STATE=refreshable
    fi
    \builtin return 0
}

# __awsswitch_token_value KEY: sets __awsswitch_v to the start of the value of the caller's
# `json` at its top-level KEY (the last one, as json.loads keeps it): a string up to its
# closing quote or first backslash, else one character; status 1 without KEY. One regex
# match: POSIX takes the longest match, which ends at the last KEY's value.
__awsswitch_token_value() {
    # @prologue
    \builtin local re="^.*[{,]${w}\"$1\"${w}:${w}(\"[^\"\\]*[\"\\]?|.)"
    [[ ${json} =~ ${re} ]] || \builtin return 1
    __awsswitch_v=${BASH_REMATCH[1]}
}

# __awsswitch_token_string KEY: is KEY's value a non-empty string?
__awsswitch_token_string() {
    # @prologue
    __awsswitch_token_value "$1" && [[ ${__awsswitch_v} == \"[!\"]* ]]
}

# __awsswitch_token_date KEY: sets __awsswitch_e to the epoch seconds of KEY's value, or "".
__awsswitch_token_date() {
    # @prologue
    __awsswitch_e=""
    \builtin local re='^"([^"\]*)"$'
    __awsswitch_token_value "$1" && [[ ${__awsswitch_v} =~ ${re} ]] || \builtin return 0
    __awsswitch_epoch "${BASH_REMATCH[1]}"
}
