# shellcheck shell=bash
# awsswitch integration for bash: the switch function, its completion, the prompt hook.
# Load it with `eval "$(awsswitch init bash)"` in ~/.bashrc. Internals are named
# __awsswitch_*; the user-facing names are the function (default `asw`) and AWSSWITCH_*.
# Safe to source twice, under `set -euo pipefail`, with an alias or function of the same name.

\builtin unalias __AWSSWITCH_CMD__ >/dev/null 2>&1 || \builtin true

# The switch: run the core, evaluate what it prints only when it succeeds.
# stdout of the core is shell code and nothing else; its messages go to stderr.
function __AWSSWITCH_CMD__ {
    \builtin local __awsswitch_code="" __awsswitch_status=0 __awsswitch_trap=""
    case "${1-}" in
    -l | --list)
        \builtin shift
        \command __AWSSWITCH_EXE__ list "$@"
        \builtin return
        ;;
    esac
    __awsswitch_code="$(\command __AWSSWITCH_EXE__ _asw bash --cmd=__AWSSWITCH_CMD__ "$@")" ||
        __awsswitch_status=$?
    if [[ ${__awsswitch_status} -eq 0 && -n ${__awsswitch_code} ]]; then
        # Ctrl-C must not leave half a switch behind: ignore SIGINT while evaluating.
        __awsswitch_trap="$(\builtin trap -p INT)"
        \builtin trap -- '' INT
        \builtin eval -- "${__awsswitch_code}"
        if [[ -n ${__awsswitch_trap} ]]; then
            \builtin eval -- "${__awsswitch_trap}"
        else
            \builtin trap - INT
        fi
    fi
    \builtin return "${__awsswitch_status}"
}

# ---------------------------------------------------------------------------------------
# Prompt: AWSSWITCH_PROMPT holds the segment ("aws:home.poweruser", "~" appended when the
# SSO token is due for a refresh, "!" when a login is needed). Use it inside a
# single-quoted PS1 so the name is expanded at draw time, never parsed as prompt code:
#   PS1='${AWSSWITCH_PROMPT:+($AWSSWITCH_PROMPT) }'"$PS1"
# The hook starts no process: it reads the token cache file with `read` and does the date
# arithmetic in the shell.

# The token state mirrors awsswitch.sso.state (load_token, parse_time, classify) on the
# same file, without a process: `read`, `[[ =~ ]]` (POSIX regexes) and shell arithmetic.
# JSON is checked as json.loads reads it, and a key given twice counts with its last value.
# Where that would take a real parser, it errs towards login (never "fresh" where Python
# says login): a byte outside ASCII (json.dumps writes none; a BOM is one), a NUL byte, a
# nested object (values may be strings, numbers, true, false, null, NaN, Infinity or arrays
# of those), a key spelled with \u escapes, or a date that holds an escape or has a form
# that Python versions read differently (see __awsswitch_epoch) all mean login here.

# __awsswitch_epoch DATE: sets __awsswitch_e to the epoch seconds of DATE, or to "" when
# parse_time would not read it. Accepted: optional spaces, YYYY-MM-DD, then optionally one
# separator (any character but "."), HH, :MM, :SS, a fraction (dropped: a second is nothing
# against 15 minutes), and Z, z, UTC, +HH:MM, +HHMM (or -); no zone is UTC. Python's other
# forms (+HH, +HH:MM:SS, week dates, basic format, an offset minute above 59) are "" here.
__awsswitch_epoch() {
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

# __awsswitch_token_state FILE: sets AWSSWITCH_TOKEN_STATE to fresh (more than 15 minutes
# left), refresh (15 minutes or less, or expired, but refreshable) or login (anything else).
__awsswitch_token_state() {
    # nocasematch would let "AccessToken" pass for accessToken.
    if \builtin shopt -q nocasematch; then
        \builtin shopt -u nocasematch
        __awsswitch_token_check "$@" || \builtin true
        \builtin shopt -s nocasematch
    else
        __awsswitch_token_check "$@" || \builtin true
    fi
}

# __awsswitch_token_check FILE: the work of __awsswitch_token_state.
__awsswitch_token_check() {
    AWSSWITCH_TOKEN_STATE=login
    # Bytes, not characters: the checks below are about bytes (and regexes run faster).
    \builtin local LC_ALL=C
    # json and __awsswitch_v (set by the helpers) hold the tokens: local, not left around.
    \builtin local json="" __awsswitch_v="" now="" exp="" reg="" key re
    \builtin local w=$'[ \t\n\r]*' s sc pair
    [[ -f ${1-} && -r ${1-} ]] || \builtin return 0
    # The time without a process: $EPOCHSECONDS (bash 5), printf %(%s)T (bash 4.2); older
    # bash shows no token state rather than a wrong one.
    now=${EPOCHSECONDS-}
    if [[ -z ${now} ]] && ((BASH_VERSINFO[0] * 100 + BASH_VERSINFO[1] >= 402)); then
        \builtin printf -v now '%(%s)T' -1
    fi
    if [[ -z ${now} ]]; then
        AWSSWITCH_TOKEN_STATE=""
        \builtin return 0
    fi
    # `read -d ''` stops at a NUL byte with status 0, at the end of the file with 1.
    IFS= \builtin read -r -d '' json <"$1" && \builtin return 0
    [[ ${json} != *[![:ascii:]]* ]] || \builtin return 0
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
        AWSSWITCH_TOKEN_STATE=refresh
    fi
    \builtin return 0
}

# __awsswitch_token_value KEY: sets __awsswitch_v to the caller's `json` from the value of
# its top-level KEY on (the last one, as json.loads keeps it); status 1 without KEY.
__awsswitch_token_value() {
    \builtin local re="[{,]${w}\"$1\"${w}:${w}(.*)"
    [[ ${json} =~ ${re} ]] || \builtin return 1
    __awsswitch_v=${BASH_REMATCH[1]}
    while [[ ${__awsswitch_v} =~ ${re} ]]; do
        __awsswitch_v=${BASH_REMATCH[1]}
    done
    \builtin return 0
}

# __awsswitch_token_string KEY: is KEY's value a non-empty string?
__awsswitch_token_string() {
    __awsswitch_token_value "$1" && [[ ${__awsswitch_v} == \"[!\"]* ]]
}

# __awsswitch_token_date KEY: sets __awsswitch_e to the epoch seconds of KEY's value, or "".
__awsswitch_token_date() {
    __awsswitch_e=""
    \builtin local re='^"([^"\]*)"'
    __awsswitch_token_value "$1" && [[ ${__awsswitch_v} =~ ${re} ]] || \builtin return 0
    __awsswitch_epoch "${BASH_REMATCH[1]}"
}

# Fills AWSSWITCH_PROMPT (and AWSSWITCH_TOKEN_STATE) from the environment.
__awsswitch_prompt_update() {
    AWSSWITCH_PROMPT=""
    AWSSWITCH_TOKEN_STATE=""
    [[ -n ${AWS_PROFILE-} ]] || \builtin return 0
    if [[ ${AWS_PROFILE} != "${AWSSWITCH_PROFILE-}" ]]; then
        # Set by hand (or by another tool): show it as it is, without a token state.
        AWSSWITCH_PROMPT="aws:${AWS_PROFILE}"
        \builtin return 0
    fi
    \builtin local segment="aws:${AWSSWITCH_SHORT:-${AWS_PROFILE}}"
    if [[ -n ${AWSSWITCH_TOKEN_FILE-} ]]; then
        __awsswitch_token_state "${AWSSWITCH_TOKEN_FILE}"
        case ${AWSSWITCH_TOKEN_STATE} in
        refresh) segment+="~" ;;
        login) segment+="!" ;;
        esac
    fi
    AWSSWITCH_PROMPT=${segment}
}

# Runs first in PROMPT_COMMAND and hands the last command's status on unchanged.
__awsswitch_prompt_hook() {
    \builtin local __awsswitch_s="$?"
    __awsswitch_prompt_update || \builtin true
    \builtin return "${__awsswitch_s}"
}

if [[ ";${PROMPT_COMMAND[*]-};" != *__awsswitch_prompt_hook* ]]; then
    # Prepend to the first element (string or 5.1+ array form): the user's own commands
    # still see the status of the last command, because the hook returns it.
    PROMPT_COMMAND="__awsswitch_prompt_hook${PROMPT_COMMAND:+$'\n'${PROMPT_COMMAND}}"
fi
# shellcheck disable=SC2034 # read by the user's PS1
AWSSWITCH_PROMPT=""
AWSSWITCH_TOKEN_STATE=""
__awsswitch_prompt_update || \builtin true

# @if prompt
# --prompt: put the segment in front of PS1, once (single quotes: expanded at draw time).
if [[ ${PS1-} != *AWSSWITCH_PROMPT* ]]; then
    # shellcheck disable=SC2016
    PS1='${AWSSWITCH_PROMPT:+(${AWSSWITCH_PROMPT}) }'"${PS1-}"
fi
# @endif

# ---------------------------------------------------------------------------------------
# Completion of profile names, without starting Python: read the names file that awsswitch
# keeps in its cache folder when it is newer than the config files (no process at all),
# else parse the [profile X] / [default] sections and the credentials file's [X] sections
# with one awk (botocore's rules for the common cases; quoting beyond "..." and '...' is
# left to the names file).

# The awk parser (no quote or backslash inside, so every shell can hold it verbatim). Its
# first operand is the typed prefix: an operand, not -v, so awk processes no escape in it;
# it is compared as text, never as a regex (ignoring ASCII case given -v fold=1). It
# prints the names that start with it or, given -v all=1, every name when none does (zsh
# and fish then match their own way).
# Only a line with a [ can be a section header, and a plain [profile NAME] line costs one
# regex match: a TAB on 10,000 profiles stays a few milliseconds of awk.
# shellcheck disable=SC2016 # awk code, not shell
__awsswitch_awk='
function trim(s) { sub(LEAD, "", s); sub(TRAIL, "", s); return s }
function word(s,    q, n, inner) {
    s = trim(s); n = length(s); q = substr(s, 1, 1)
    if (n >= 2 && (q == DQ || q == SQ) && substr(s, n, 1) == q) {
        inner = substr(s, 2, n - 2)
        if (index(inner, q) || (q == DQ && index(inner, BS))) return ""
        return inner
    }
    if (s ~ BLANK || index(s, DQ) || index(s, SQ) || index(s, BS)) return ""
    return s
}
function starts(s) { s = substr(s, 1, plen); return (fold ? tolower(s) : s) == prefix }
function add(n) {
    if (n == "" || n in seen) return
    seen[n] = 1
    if (starts(n)) { print n; shown++ }
    if (kind != "sessions") short(n)
}
function short(n,    d, c) {
    if (!(d = index(n, "."))) return
    c = substr(n, d + 1)
    if (index(c, ".") && starts(c) && !uses[c]++) cands[++ncand] = c
}
function shorts(    i, c) {
    for (i = 1; i <= ncand; i++) {
        c = cands[i]
        if (uses[c] == 1 && !(c in seen)) { print c; shown++ }
    }
}
BEGIN {
    DQ = sprintf("%c", 34); SQ = sprintf("%c", 39); BS = sprintf("%c", 92)
    WS = " " sprintf("%c%c%c%c%c", 9, 10, 11, 12, 13)
    LEAD = "^[" WS "]+"; TRAIL = "[" WS "]+$"; BLANK = "[" WS "]"
    PROFILE = "^profile" BLANK; SESSION = "^sso-session" BLANK
    KEY = (kind == "sessions") ? "sso-session " : "profile "
    FAST = "^[[]" KEY "[^][" WS DQ SQ "]+[]]$"; START = length(KEY) + 2
    prefix = ARGV[1]; ARGV[1] = ""; plen = length(prefix)
    if (fold) prefix = tolower(prefix)
}
!index($0, "[") { next }
cfg && $0 ~ FAST && !index($0, BS) { add(substr($0, START, length($0) - START)); next }
{
    line = trim($0)
    if (substr(line, 1, 1) != "[") next
    for (end = length(line); end > 1; end--) if (substr(line, end, 1) == "]") break
    if (end <= 1) next
    head = substr(line, 2, end - 2)
    if (cfg) {
        if (kind == "sessions") {
            if (head ~ SESSION) add(word(substr(head, 12)))
        } else if (head == "default") {
            add(head)
        } else if (head ~ PROFILE) {
            add(word(substr(head, 8)))
        }
    } else if (kind != "sessions" && head != "DEFAULT") {
        add(head)
    }
}
END {
    shorts()
    if (shown || !all) exit
    prefix = ""; plen = 0; ncand = 0; split("", uses)
    for (n in seen) { print n; if (kind != "sessions") short(n) }
    shorts()
}
'

# __awsswitch_names KIND [PREFIX]: fills the array __awsswitch_reply with the profile names
# (full and short) for KIND=profiles, the sso-session names for KIND=sessions, that start
# with PREFIX.
__awsswitch_names() {
    __awsswitch_reply=()
    ((BASH_VERSINFO[0] >= 4)) || \builtin return 0
    \builtin local kind="${1-profiles}" prefix="${2-}" file
    \builtin local -a lines
    file=${AWSSWITCH_CACHE_DIR:-${XDG_CACHE_HOME:-${HOME-}/.cache}/awsswitch}/names
    lines=()
    # The header first: a stale names file is not read whole. Then the whole file, checked
    # again (it may have been replaced in between).
    if [[ -f ${file} && -r ${file} ]]; then
        \builtin mapfile -t -n 6 lines <"${file}"
        if __awsswitch_names_usable "${file}"; then
            \builtin mapfile -t lines <"${file}"
        fi
    fi
    if __awsswitch_names_usable "${file}"; then
        if [[ ${kind} == sessions ]]; then
            __awsswitch_names_range "S${prefix}"
        else
            __awsswitch_names_range "p${prefix}"
            __awsswitch_names_range "s${prefix}"
        fi
        \builtin return 0
    fi
    # Stale or missing: parse the config files. awk prints only the names that start with
    # PREFIX, so the shell loops over nothing; LC_ALL=C makes it compare bytes (and keeps
    # gawk fast in a UTF-8 locale).
    \builtin local config creds
    config=${AWS_CONFIG_FILE:-${HOME-}/.aws/config}
    creds=${AWS_SHARED_CREDENTIALS_FILE:-${HOME-}/.aws/credentials}
    # botocore expands a leading ~ (against HOME) in both variables.
    [[ ${config} == \~/* ]] && config=${HOME-}${config:1}
    [[ ${creds} == \~/* ]] && creds=${HOME-}${creds:1}
    [[ -f ${config} && -r ${config} ]] || config=/dev/null
    [[ -f ${creds} && -r ${creds} ]] || creds=/dev/null
    [[ ${config} == /* ]] || config=./${config}
    [[ ${creds} == /* ]] || creds=./${creds}
    \builtin mapfile -t __awsswitch_reply < <(LC_ALL=C \command awk -v kind="${kind}" \
        "${__awsswitch_awk}" "${prefix}" cfg=1 "${config}" cfg=0 "${creds}" 2>/dev/null)
    \builtin return 0
}

# __awsswitch_names_usable NAMESFILE: does the caller's `lines` start with a header that
# matches this environment, and is the names file newer than the files it names? Header:
# magic, raw AWS_CONFIG_FILE, raw AWS_SHARED_CREDENTIALS_FILE, HOME, then the two resolved
# paths, each prefixed with + (existed when written) or - (did not).
__awsswitch_names_usable() {
    ((${#lines[@]} >= 6)) && [[ ${lines[0]} == "#awsswitch-names 2" &&
        ${lines[1]} == "#${AWS_CONFIG_FILE-}" &&
        ${lines[2]} == "#${AWS_SHARED_CREDENTIALS_FILE-}" &&
        ${lines[3]} == "#${HOME-}" ]] &&
        __awsswitch_names_fresh "$1" "${lines[4]:1}" &&
        __awsswitch_names_fresh "$1" "${lines[5]:1}"
}

# __awsswitch_names_fresh NAMESFILE [+-]PATH: is the names file still valid for PATH?
__awsswitch_names_fresh() {
    \builtin local path="${2:1}"
    case ${2:0:1} in
    +) [[ -e ${path} && $1 -nt ${path} ]] ;;
    -) [[ ! -e ${path} ]] ;;
    *) \builtin return 1 ;;
    esac
}

# __awsswitch_names_range KEY: appends to __awsswitch_reply the lines of the caller's
# sorted `lines` that start with KEY (without their first character): two binary searches
# and one slice, so a TAB costs about the same with 10 or 10,000 profiles.
__awsswitch_names_range() {
    \builtin local LC_ALL=C
    \builtin local -i first last
    __awsswitch_names_bound "$1"
    first=${__awsswitch_i}
    # No UTF-8 text contains the byte 0xFF: KEY followed by it sorts after every match.
    __awsswitch_names_bound "$1"$'\xff'
    last=${__awsswitch_i}
    if ((last > first)); then
        \builtin local -a found
        found=("${lines[@]:first:last-first}")
        __awsswitch_reply+=("${found[@]#?}")
    fi
    \builtin return 0
}

# __awsswitch_names_bound KEY: sets __awsswitch_i to the first index of `lines` (from 6,
# past the header) whose line is not less than KEY (byte order: LC_ALL=C in the caller).
__awsswitch_names_bound() {
    \builtin local -i lo=6 hi="${#lines[@]}" mid
    while ((lo < hi)); do
        mid=$(((lo + hi) / 2))
        if [[ ${lines[mid]} < "$1" ]]; then
            lo=$((mid + 1))
        else
            hi=${mid}
        fi
    done
    __awsswitch_i=${lo}
}

# Regions offered after -r/--region (a static list: no network, no process).
__awsswitch_regions=(us-east-1 us-east-2 us-west-1 us-west-2 af-south-1 ap-east-1
    ap-south-1 ap-south-2 ap-southeast-1 ap-southeast-2 ap-southeast-3 ap-southeast-4
    ap-southeast-5 ap-northeast-1 ap-northeast-2 ap-northeast-3 ca-central-1 ca-west-1
    eu-central-1 eu-central-2 eu-west-1 eu-west-2 eu-west-3 eu-south-1 eu-south-2
    eu-north-1 il-central-1 me-south-1 me-central-1 mx-central-1 sa-east-1
    us-gov-east-1 us-gov-west-1 cn-north-1 cn-northwest-1)

# Completion for the switch function: options, regions after -r, profile names.
__awsswitch_complete() {
    \builtin local line="${COMP_LINE:0:COMP_POINT}" cur prev word keep q=""
    # The word being completed, whole (COMP_WORDS splits at ':' and '=').
    cur=${line##*[[:space:]]}
    prev=""
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    COMPREPLY=()
    if [[ ${prev} == -r || ${prev} == --region ]]; then
        for word in "${__awsswitch_regions[@]}"; do
            [[ ${word} == "${cur}"* ]] && COMPREPLY+=("${word}")
        done
        \builtin return 0
    fi
    if [[ ${cur} == -* ]]; then
        for word in - -u --unset -r --region --no-login -l --list -h --help; do
            [[ ${word} == "${cur}"* ]] && COMPREPLY+=("${word}")
        done
        \builtin return 0
    fi
    __awsswitch_names profiles "${cur}"
    ((${#__awsswitch_reply[@]})) || \builtin return 0
    # Drop what readline already treats as a separate word (up to the last : or =), and
    # quote what needs it (printf %q leaves plain names as they are); no per-name loop.
    keep=""
    [[ ${cur} == *[:=]* ]] && keep=${cur%"${cur##*[:=]}"}
    \builtin printf -v q '%q\n' "${__awsswitch_reply[@]#"${keep}"}"
    \builtin mapfile -t COMPREPLY <<<"${q%$'\n'}"
    \builtin return 0
}
if ((BASH_VERSINFO[0] >= 4)); then
    \builtin complete -F __awsswitch_complete __AWSSWITCH_CMD__
fi

# ---------------------------------------------------------------------------------------
# Aliases (--aliases): one per profile, skipped when the name is already a command,
# builtin, function or someone else's alias.
__awsswitch_alias() {
    \builtin local name="$1" value word q
    \builtin shift
    value=__AWSSWITCH_CMD__
    for word in "$@"; do
        \builtin printf -v q '%q' "${word}"
        value+=" ${q}"
    done
    if \builtin type -t -- "${name}" >/dev/null 2>&1; then
        ((BASH_VERSINFO[0] >= 4)) || \builtin return 0
        [[ ${BASH_ALIASES[${name}]-} == "${value}" ]] || \builtin return 0
    fi
    # shellcheck disable=SC2139 # expanding now is the point: the value is quoted above
    \builtin alias -- "${name}=${value}"
}
# @aliases
\builtin true
