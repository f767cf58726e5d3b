# awsswitch integration for zsh: the switch function, its completion, the prompt hook.
# Load it with `eval "$(awsswitch init zsh)"` in ~/.zshrc. Internals are named
# __awsswitch_*; the user-facing names are the function (default `asw`) and AWSSWITCH_*.
# Every function starts with `emulate -L zsh`, so the user's options (ksh_arrays,
# sh_word_split, no_unset, ...) do not change what it does. Safe to source twice.

\builtin unalias __AWSSWITCH_CMD__ >/dev/null 2>&1 || \builtin true

# The switch: run the core, evaluate what it prints only when it succeeds.
# stdout of the core is shell code and nothing else; its messages go to stderr.
function __AWSSWITCH_CMD__ {
    \builtin emulate -L zsh
    \builtin local __awsswitch_code=""
    \builtin integer __awsswitch_status=0
    case ${1-} in
        (-l|--list)
            \builtin shift
            \command __AWSSWITCH_EXE__ list "$@"
            \builtin return $?
            ;;
    esac
    __awsswitch_code="$(\command __AWSSWITCH_EXE__ _asw zsh --cmd=__AWSSWITCH_CMD__ "$@")" ||
        __awsswitch_status=$?
    if (( __awsswitch_status == 0 )) && [[ -n $__awsswitch_code ]]; then
        # Ctrl-C must not leave half a switch behind (emulate -L makes this trap local).
        \builtin trap '' INT
        \builtin eval -- "$__awsswitch_code"
    fi
    \builtin return $__awsswitch_status
}

# ---------------------------------------------------------------------------------------
# Prompt: psvar[9] (and AWSSWITCH_PROMPT) hold the segment ("aws:home.poweruser", "~"
# appended when the SSO token is due for a refresh, "!" when a login is needed). Put
# `%(9V.(%9v) .)` in PROMPT or RPROMPT: %9v prints the value literally, no prompt_subst
# needed. The precmd hook starts no process (zsh/datetime, `read`, shell arithmetic).

\builtin zmodload -F zsh/datetime p:EPOCHSECONDS 2>/dev/null || \builtin true

# The token state mirrors awsswitch.sso.state (load_token, parse_time, classify) on the
# same file, without a process: `read`, `[[ =~ ]]` (POSIX regexes: `emulate -R` turns off
# rematch_pcre and case_match too) and shell arithmetic.
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
    \builtin emulate -LR zsh
    \builtin typeset -g __awsswitch_e=""
    \builtin local re='^ *([0-9]{4})-([0-9]{2})-([0-9]{2})([^.]([0-9]{2})(:([0-9]{2})(:([0-9]{2}))?)?(\.[0-9]+)?(Z|z|UTC|([+-])([0-9]{2}):?([0-9]{2}))?)? *$'
    [[ ${1-} =~ $re ]] || \builtin return 0
    \builtin integer y=10#$match[1] m=10#$match[2] d=10#$match[3]
    \builtin integer hh=10#${match[5]:-0} mm=10#${match[7]:-0} ss=10#${match[9]:-0}
    \builtin integer oh=10#${match[13]:-0} om=10#${match[14]:-0}
    \builtin integer off=0 dim era yoe doy doe e
    # Python's ranges: a real calendar date in years 1-9999, 23:59:59, offsets under 24h.
    (( y >= 1 && m >= 1 && m <= 12 && d >= 1 && hh <= 23 && mm <= 59 && ss <= 59 )) ||
        \builtin return 0
    (( oh <= 23 && om <= 59 )) || \builtin return 0
    dim=$(( m == 2 ? 28 + (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
        : 30 + ((m + (m > 7)) % 2) ))
    (( d <= dim )) || \builtin return 0
    off=$(( oh * 3600 + om * 60 ))
    [[ $match[12] != - ]] || off=$(( -off ))
    # Days from the civil date (H. Hinnant's algorithm); the year starts in March.
    y=$(( y - (m <= 2) ))
    era=$(( (y >= 0 ? y : y - 399) / 400 ))
    yoe=$(( y - era * 400 ))
    doy=$(( (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1 ))
    doe=$(( yoe * 365 + yoe / 4 - yoe / 100 + doy ))
    e=$(( (era * 146097 + doe - 719468) * 86400 + hh * 3600 + mm * 60 + ss - off ))
    # In UTC it must stay within 0001-01-01 and 9999-12-31 (astimezone's range).
    (( e >= -62135596800 && e <= 253402300799 )) || \builtin return 0
    __awsswitch_e=$e
}

# __awsswitch_token_state FILE: sets AWSSWITCH_TOKEN_STATE to fresh (more than 15 minutes
# left), refresh (15 minutes or less, or expired, but refreshable) or login (anything else).
__awsswitch_token_state() {
    \builtin emulate -LR zsh
    \builtin typeset -g AWSSWITCH_TOKEN_STATE=login
    # Bytes, not characters: the checks below are about bytes.
    \builtin local LC_ALL=C
    # json and __awsswitch_v (set by the helpers) hold the tokens: local, not left around.
    \builtin local json="" __awsswitch_v="" w=$'[ \t\n\r]*' s sc pair re key
    \builtin integer now exp reg
    if [[ -z ${EPOCHSECONDS-} ]]; then
        # zsh/datetime did not load: no token state rather than a wrong one.
        AWSSWITCH_TOKEN_STATE=""
        \builtin return 0
    fi
    [[ -f ${1-} && -r ${1-} ]] || \builtin return 0
    # `read -d ''` stops at a NUL byte with status 0, at the end of the file with 1.
    IFS= \builtin read -r -d '' json <"$1" && \builtin return 0
    [[ ${json} != *[^$'\x01'-$'\x7f']* ]] || \builtin return 0
    now=$EPOCHSECONDS
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
    (( ${#json} <= 4300 )) || [[ ! ${json} =~ ${re} ]] || \builtin return 0
    __awsswitch_token_string accessToken || \builtin return 0
    __awsswitch_token_date expiresAt
    [[ -n $__awsswitch_e ]] || \builtin return 0
    exp=$__awsswitch_e
    if (( exp - now > 900 )); then
        AWSSWITCH_TOKEN_STATE=fresh
        \builtin return 0
    fi
    for key in refreshToken clientId clientSecret; do
        __awsswitch_token_string ${key} || \builtin return 0
    done
    __awsswitch_token_date registrationExpiresAt
    [[ -n $__awsswitch_e ]] || \builtin return 0
    reg=$__awsswitch_e
    if (( reg > now )); then
        AWSSWITCH_TOKEN_STATE=refresh
    fi
    \builtin return 0
}

# __awsswitch_token_value KEY: sets __awsswitch_v to the caller's `json` from the value of
# its top-level KEY on (the last one, as json.loads keeps it); status 1 without KEY.
__awsswitch_token_value() {
    \builtin emulate -LR zsh
    \builtin typeset -g __awsswitch_v=""
    \builtin local re="[{,]${w}\"$1\"${w}:${w}(.*)"
    [[ ${json} =~ ${re} ]] || \builtin return 1
    __awsswitch_v=$match[1]
    while [[ $__awsswitch_v =~ ${re} ]]; do
        __awsswitch_v=$match[1]
    done
    \builtin return 0
}

# __awsswitch_token_string KEY: is KEY's value a non-empty string?
__awsswitch_token_string() {
    \builtin emulate -LR zsh
    __awsswitch_token_value $1 && [[ $__awsswitch_v == \"[^\"]* ]]
}

# __awsswitch_token_date KEY: sets __awsswitch_e to the epoch seconds of KEY's value, or "".
__awsswitch_token_date() {
    \builtin emulate -LR zsh
    \builtin typeset -g __awsswitch_e=""
    \builtin local re='^"([^"\]*)"'
    __awsswitch_token_value $1 && [[ $__awsswitch_v =~ ${re} ]] || \builtin return 0
    __awsswitch_epoch "$match[1]"
}

# Fills AWSSWITCH_PROMPT (and AWSSWITCH_TOKEN_STATE) from the environment.
__awsswitch_prompt_update() {
    \builtin emulate -L zsh
    \builtin typeset -g AWSSWITCH_PROMPT="" AWSSWITCH_TOKEN_STATE=""
    [[ -n ${AWS_PROFILE-} ]] || \builtin return 0
    if [[ $AWS_PROFILE != "${AWSSWITCH_PROFILE-}" ]]; then
        # Set by hand (or by another tool): show it as it is, without a token state.
        AWSSWITCH_PROMPT="aws:$AWS_PROFILE"
        \builtin return 0
    fi
    \builtin local segment="aws:${AWSSWITCH_SHORT:-$AWS_PROFILE}"
    if [[ -n ${AWSSWITCH_TOKEN_FILE-} ]]; then
        __awsswitch_token_state "$AWSSWITCH_TOKEN_FILE"
        case $AWSSWITCH_TOKEN_STATE in
            (refresh) segment+="~" ;;
            (login) segment+="!" ;;
        esac
    fi
    AWSSWITCH_PROMPT=$segment
}

# precmd hook: the segment into psvar[9]; zsh keeps $? for the prompt across hooks.
__awsswitch_precmd() {
    \builtin emulate -L zsh
    __awsswitch_prompt_update
    psvar[9]=$AWSSWITCH_PROMPT
    # Register the completion as soon as compinit has run (it may come after init).
    if (( $+functions[compdef] )) && [[ ${_comps[__AWSSWITCH_CMD__]-} != __awsswitch_complete ]]; then
        compdef __awsswitch_complete __AWSSWITCH_CMD__
    fi
    \builtin return 0
}

# Top-level work runs in anonymous functions under `emulate -L zsh`: the user's options
# (ksh_arrays would move psvar[9], err_exit would stop at the first false test) stay out.
() {
    \builtin emulate -L zsh
    \builtin autoload -Uz add-zsh-hook
    add-zsh-hook -d precmd __awsswitch_precmd
    add-zsh-hook precmd __awsswitch_precmd
    \builtin typeset -g AWSSWITCH_PROMPT="" AWSSWITCH_TOKEN_STATE=""
    __awsswitch_prompt_update
    psvar[9]=$AWSSWITCH_PROMPT
# @if prompt
    # --prompt: put the segment in front of PROMPT, once.
    if [[ ${PROMPT-} != *'%9v'* ]]; then
        PROMPT='%(9V.(%9v) .)'"${PROMPT-}"
    fi
# @endif
    \builtin return 0
}

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

# __awsswitch_names KIND [PREFIX]: sets reply to the profile names (full and short) for
# KIND=profiles, the sso-session names for KIND=sessions: those that start with PREFIX
# (ignoring case) when there are any, else all of them, for compadd to match its own way
# (matcher-list, _approximate). The names file is read once and kept in memory until it
# changes (mtime, inode, size: the zstat builtin, no process), so a TAB costs one pattern
# match over the names instead of reading and splitting the whole file again.
__awsswitch_names() {
    \builtin emulate -L zsh -o extended_glob
    reply=()
    \builtin local kind="${1:-profiles}" prefix="${2-}" file config creds key="" line pat
    \builtin local tag='[ps]'
    \builtin local -a head
    \builtin local -A st
    file=${AWSSWITCH_CACHE_DIR:-${XDG_CACHE_HOME:-${HOME-}/.cache}/awsswitch}/names
    if [[ -f $file && -r $file ]]; then
        if \builtin zmodload -F zsh/stat b:zstat 2>/dev/null &&
            \builtin zstat -H st -F '%s.%N' -- $file 2>/dev/null; then
            key="$st[mtime] $st[inode] $st[size] $st[device] $file"
        fi
        if [[ -n $key && $key == "${__awsswitch_names_key-}" ]]; then
            head=("${(@)__awsswitch_names_lines[1,6]}")
        else
            # Only the header until it proves the file usable: a stale one is not read whole.
            while (( $#head < 6 )) && IFS= \builtin read -r line; do
                head+=("$line")
            done <$file
        fi
    fi
    # Header: magic, raw AWS_CONFIG_FILE, raw AWS_SHARED_CREDENTIALS_FILE, HOME, then the
    # two resolved paths, each prefixed with + (existed when written) or - (did not).
    if (( $#head == 6 )) && [[ $head[1] == "#awsswitch-names 2" &&
        $head[2] == "#${AWS_CONFIG_FILE-}" &&
        $head[3] == "#${AWS_SHARED_CREDENTIALS_FILE-}" &&
        $head[4] == "#${HOME-}" ]] &&
        __awsswitch_names_fresh $file ${head[5][2,-1]} &&
        __awsswitch_names_fresh $file ${head[6][2,-1]}; then
        if [[ -z $key || $key != "${__awsswitch_names_key-}" ]]; then
            \builtin typeset -ga __awsswitch_names_lines
            \builtin typeset -g __awsswitch_names_key=$key
            __awsswitch_names_lines=("${(@f)$(<$file)}")
            # Replaced since its header was read, by a file for other config files: the
            # config files are parsed this time.
            if [[ ${(pj:\n:)__awsswitch_names_lines[1,6]} != "${(pj:\n:)head}" ]]; then
                __awsswitch_names_key=-
                head=()
            fi
        fi
        if (( $#head )); then
            # Each line keeps its tag (p, s or S) until matched; header lines never match.
            [[ $kind == sessions ]] && tag=S
            pat="${tag}(#i)${(b)prefix}*"
            reply=("${(@)${(@M)__awsswitch_names_lines:#${~pat}}#?}")
            (( $#reply )) || reply=("${(@)${(@M)__awsswitch_names_lines:#${~tag}*}#?}")
            \builtin return 0
        fi
    fi
    # Stale or missing: parse the config files (awk filters by PREFIX the same way; LC_ALL=C
    # makes it compare bytes and keeps gawk fast in a UTF-8 locale).
    config=${AWS_CONFIG_FILE:-${HOME-}/.aws/config}
    creds=${AWS_SHARED_CREDENTIALS_FILE:-${HOME-}/.aws/credentials}
    # botocore expands a leading ~ (against HOME) in both variables.
    [[ $config == \~/* ]] && config=${HOME-}${config[2,-1]}
    [[ $creds == \~/* ]] && creds=${HOME-}${creds[2,-1]}
    [[ -f $config && -r $config ]] || config=/dev/null
    [[ -f $creds && -r $creds ]] || creds=/dev/null
    [[ $config == /* ]] || config=./$config
    [[ $creds == /* ]] || creds=./$creds
    reply=("${(@f)$(LC_ALL=C \command awk -v kind=$kind -v all=1 -v fold=1 \
        "$__awsswitch_awk" "$prefix" cfg=1 "$config" cfg=0 "$creds" 2>/dev/null)}")
    reply=("${(@)reply:#}")
    \builtin return 0
}

# __awsswitch_names_fresh NAMESFILE [+-]PATH: is the names file still valid for PATH?
__awsswitch_names_fresh() {
    \builtin emulate -L zsh
    \builtin local p="${2[2,-1]}"
    case ${2[1]} in
        (+) [[ -e $p && $1 -nt $p ]] ;;
        (-) [[ ! -e $p ]] ;;
        (*) \builtin return 1 ;;
    esac
}

# Regions offered after -r/--region (a static list: no network, no process).
\builtin typeset -ga __awsswitch_regions
__awsswitch_regions=(us-east-1 us-east-2 us-west-1 us-west-2 af-south-1 ap-east-1
    ap-south-1 ap-south-2 ap-southeast-1 ap-southeast-2 ap-southeast-3 ap-southeast-4
    ap-southeast-5 ap-northeast-1 ap-northeast-2 ap-northeast-3 ca-central-1 ca-west-1
    eu-central-1 eu-central-2 eu-west-1 eu-west-2 eu-west-3 eu-south-1 eu-south-2
    eu-north-1 il-central-1 me-south-1 me-central-1 mx-central-1 sa-east-1
    us-gov-east-1 us-gov-west-1 cn-north-1 cn-northwest-1)

# Completion for the switch function: options, regions after -r, profile names.
__awsswitch_complete() {
    \builtin emulate -L zsh
    \builtin local -a reply
    if [[ ${words[CURRENT-1]-} == (-r|--region) ]]; then
        compadd -a __awsswitch_regions
        \builtin return
    fi
    if [[ $PREFIX == -* ]]; then
        compadd -- - -u --unset -r --region --no-login -l --list -h --help
        \builtin return
    fi
    __awsswitch_names profiles "$PREFIX"
    compadd -- "${(@)reply}"
}
() {
    \builtin emulate -L zsh
    if (( $+functions[compdef] )); then
        compdef __awsswitch_complete __AWSSWITCH_CMD__
    fi
    \builtin return 0
}

# ---------------------------------------------------------------------------------------
# Aliases (--aliases): one per profile, skipped when the name is already a command,
# builtin, function, reserved word or someone else's alias.
__awsswitch_alias() {
    \builtin emulate -L zsh
    \builtin local name="$1" value=__AWSSWITCH_CMD__ word
    \builtin shift
    for word in "$@"; do
        value+=" ${(q)word}"
    done
    if \builtin whence -- "$name" >/dev/null 2>&1; then
        [[ ${aliases[$name]-} == "$value" ]] || \builtin return 0
    fi
    \builtin alias -- "$name=$value"
}
# @aliases
\builtin true
