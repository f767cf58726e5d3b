# shellcheck shell=bash
# The token state of the prompt, for an SSO token (__awsswitch_token_check) or an
# `aws login` console session (__awsswitch_login_check), shared by bash and zsh: `awsswitch
# init` splices this file into both, and each `# @prologue` line becomes that shell's own
# first line of the function (zsh: `emulate -LR zsh` with bash_rematch and ksh_arrays, so
# BASH_REMATCH reads the same in both; bash: nothing). The calling template passes the time
# in epoch seconds as NOW, the second argument of both checks, and provides
# __awsswitch_token_read (a capped read of the file into `json`).
#
# It mirrors awsswitch.sso.state (load_token, parse_time, classify) and
# awsswitch.login_session.classify on the same files, without a process: `read`, `[[ =~ ]]`
# (POSIX regexes) and shell arithmetic. JSON is checked as json.loads reads it, and a key
# given twice counts with its last value. Where that would take a real parser, it errs
# towards login-needed (never "fresh" where Python says otherwise): a file over 64 KiB, a
# byte outside ASCII (json.dumps writes none; a BOM is one), a NUL byte, a nested object
# other than a console session's credentials (values may be strings, numbers, true, false,
# null, NaN, Infinity or arrays of those), a key spelled with \u escapes, or a date that
# holds an escape or has a form that Python versions read differently (see
# __awsswitch_epoch).
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

# __awsswitch_json_parts: sets the caller's w, s, sc and pair to the regexes of JSON
# whitespace, a string (strict, as json.loads reads it), a scalar (a string, one of its
# numbers or constants), and a pair `"key": value` whose value is a scalar or an array of
# scalars.
# shellcheck disable=SC2034 # the caller's
__awsswitch_json_parts() {
    # @prologue
    w=$'[ \t\n\r]*'
    s='"([^"\[:cntrl:]]|'$'\177''|\\(["\/bfnrt]|u[[:xdigit:]]{4}))*"'
    sc="(${s}|"'-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?|true|false|null|NaN|-?Infinity)'
    pair="${s}${w}:${w}(${sc}|\\[${w}(${sc}(${w},${w}${sc})*)?${w}])"
}

# __awsswitch_json_odd: status 0 when the caller's `json` holds what this reader does not
# follow: a key spelled with \u escapes (it could be one of ours), or a whole number of
# more than 4,300 digits (json.loads refuses it). Counts stay under 256, BSD regex's limit.
__awsswitch_json_odd() {
    # @prologue
    \builtin local re="[{,]${w}\"[[:alpha:]]*\\\\u[[:xdigit:]]{4}([[:alpha:]]|\\\\u[[:xdigit:]]{4})*\"${w}:"
    [[ ${json} =~ ${re} ]] && \builtin return 0
    re="[:,[]${w}-?[1-9]([0-9]{100}){43}[0-9]*([^.0-9eE]|$)"
    ((${#json} > 4300)) && [[ ${json} =~ ${re} ]]
}

# __awsswitch_json_flat: status 0 when the caller's `json` is one JSON object of pairs
# (__awsswitch_json_parts: no nested object) that this reader follows.
__awsswitch_json_flat() {
    # @prologue
    \builtin local re="^${w}[{]${w}(${pair}(${w},${w}${pair})*)?${w}[}]${w}\$"
    [[ ${json} =~ ${re} ]] && ! __awsswitch_json_odd
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
    \builtin local json="" __awsswitch_v="" __awsswitch_e="" now="${2-}" exp reg key
    \builtin local w s sc pair
    [[ -f ${1-} && -r ${1-} ]] || \builtin return 0
    __awsswitch_token_read "$1" || \builtin return 0
    [[ ${json} != *[^$'\x01'-$'\x7f']* ]] || \builtin return 0
    __awsswitch_json_parts
    __awsswitch_json_flat || \builtin return 0
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

# shellcheck disable=SC2034 # AWSSWITCH_TOKEN_STATE: read by the prompt
# __awsswitch_login_check FILE NOW: the same for the cache file of an `aws login` console
# session, as awsswitch.login_session.classify reads it: fresh (the credentials have more
# than 5 minutes left), refreshable (5 minutes or less, or expired, but the refresh
# material is there and the sign-in is under 12 hours old) or login-needed. The file holds
# one nested object, the credentials under `accessToken`; any other one is login-needed.
__awsswitch_login_check() {
    # @prologue
    AWSSWITCH_TOKEN_STATE=login-needed
    \builtin local LC_ALL=C
    \builtin local json="" flat="" creds="" __awsswitch_v="" __awsswitch_e="" now="${2-}"
    \builtin local w s sc pair exp key re object groups m rest
    [[ -f ${1-} && -r ${1-} ]] || \builtin return 0
    __awsswitch_token_read "$1" || \builtin return 0
    [[ ${json} != *[^$'\x01'-$'\x7f']* ]] || \builtin return 0
    __awsswitch_json_parts
    __awsswitch_json_odd && \builtin return 0
    # The credentials' object and the pairs after it, to the end: every `(` of `object` opens
    # a group, so the pairs after it are group 2 + that count.
    object="[{]${w}(${pair}(${w},${w}${pair})*)?${w}[}]"
    groups=${object//[^(]/}
    re="[{,]${w}\"accessToken\"${w}:${w}(${object})((${w},${w}${pair})*)${w}[}]${w}\$"
    [[ ${json} =~ ${re} ]] || \builtin return 0
    m=${BASH_REMATCH[0]}
    creds=${BASH_REMATCH[1]}
    rest=${BASH_REMATCH[2 + ${#groups}]}
    # A later accessToken (json.loads keeps the last) is not an object: login-needed.
    re="[{,]${w}\"accessToken\"${w}:"
    [[ ! ${rest} =~ ${re} ]] || \builtin return 0
    # The top level with the object as null: flat, as the SSO reader reads it.
    flat="${json:0:$((${#json} - ${#m}))}${m:0:1}\"accessToken\":null${rest}}"
    json=${flat}
    __awsswitch_json_flat || \builtin return 0
    for key in accessToken refreshToken dpopKey clientId; do
        __awsswitch_token_value "${key}" || \builtin return 0
    done
    json=${creds}
    for key in accessKeyId secretAccessKey sessionToken; do
        __awsswitch_token_string "${key}" || \builtin return 0
    done
    __awsswitch_token_date expiresAt
    exp=${__awsswitch_e}
    [[ -n ${exp} ]] || \builtin return 0
    if ((exp - now > 300)); then
        AWSSWITCH_TOKEN_STATE=fresh
        \builtin return 0
    fi
    json=${flat}
    for key in refreshToken clientId dpopKey; do
        __awsswitch_token_string "${key}" || \builtin return 0
    done
    __awsswitch_login_signed_in
    case ${__awsswitch_login_iat} in
    -) AWSSWITCH_TOKEN_STATE=refreshable ;; # no sign-in time: Python sets no limit either
    x) ;;
    # 43199, not 43200: the fractions dropped from now and iat must not tip the line.
    *) ((now - 10#${__awsswitch_login_iat} >= 43199)) || AWSSWITCH_TOKEN_STATE=refreshable ;;
    esac
    \builtin return 0
}

# __awsswitch_login_signed_in: sets the global __awsswitch_login_iat to the sign-in time
# (`iat` of the JWT in the caller's `json` at idToken, whole epoch seconds), `-` when
# Python finds none (no idToken, not a string, no iat claim), or `x` when this reader
# cannot be sure (an escape or odd character in the token, a claim set that is not one
# flat ASCII object, an iat that is not a plain number of up to 11 digits). Decoding is a
# loop: the last payload decoded and its answer are kept (__awsswitch_login_memo, not
# exported) and reused while the file keeps the same sign-in. The payload is the token's
# claims (session ARN, iat, exp), not a credential; the signature is never kept.
# shellcheck disable=SC2034 # the globals: read by the caller
__awsswitch_login_signed_in() {
    # @prologue
    \builtin local payload re claims
    __awsswitch_login_iat=-
    __awsswitch_token_value idToken || \builtin return 0
    [[ ${__awsswitch_v} == \"* ]] || \builtin return 0
    __awsswitch_login_iat=x
    re='^"[^".\]*[.]([A-Za-z0-9_+/-]*)[.][^".\]*"$'
    [[ ${__awsswitch_v} =~ ${re} ]] || \builtin return 0
    payload=${BASH_REMATCH[1]}
    ((${#payload} % 4 != 1)) || \builtin return 0
    if [[ ${payload} == "${__awsswitch_login_memo-}" ]]; then
        __awsswitch_login_iat=${__awsswitch_login_seen-x}
        \builtin return 0
    fi
    __awsswitch_login_memo=${payload}
    __awsswitch_login_seen=x
    __awsswitch_base64 "${payload}" || \builtin return 0
    \builtin local json="${claims}"
    __awsswitch_json_flat || \builtin return 0
    if ! __awsswitch_token_value iat; then
        __awsswitch_login_iat=-
    elif [[ ${__awsswitch_v} == [0-9] ]]; then
        # The whole number of the last iat (the greedy `.*` finds the last one too).
        re="^.*[{,]${w}\"iat\"${w}:${w}([0-9]{1,11})(\\.[0-9]+)?${w}[,}]"
        [[ ${json} =~ ${re} ]] && __awsswitch_login_iat=${BASH_REMATCH[1]}
    fi
    __awsswitch_login_seen=${__awsswitch_login_iat}
}

# __awsswitch_base64 TEXT: sets the caller's `claims` to TEXT decoded (base64url or
# base64, no padding; leftover bits dropped as binascii does); status 1 when a byte is not
# printable ASCII (tab, LF and CR read as spaces: JSON whitespace, and invalid in a string
# for Python as well).
__awsswitch_base64() {
    # @prologue
    \builtin local -i i c bits=0 nbits=0 b
    \builtin local hex ch
    claims=""
    for ((i = 0; i < ${#1}; i++)); do
        \builtin printf -v c '%d' "'${1:$i:1}"
        # A-Z 0-25, a-z 26-51, 0-9 52-61, + or - 62, / or _ 63.
        ((c = c == 95 ? 63 : c >= 97 ? c - 71 : c >= 65 ? c - 65 : c >= 48 ? c + 4 : c == 47 ? 63 : 62))
        ((bits = (bits << 6) | c, nbits += 6))
        ((nbits >= 8)) || \builtin continue
        ((nbits -= 8, b = (bits >> nbits) & 255, bits &= (1 << nbits) - 1))
        if ((b >= 32 && b <= 126)); then
            \builtin printf -v hex '%02x' "${b}"
            \builtin printf -v ch '%b' "\\x${hex}"
            claims+=${ch}
        elif ((b == 9 || b == 10 || b == 13)); then
            claims+=" "
        else
            \builtin return 1
        fi
    done
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
