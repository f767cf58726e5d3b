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

# __awsswitch_epoch DATE: sets __awsswitch_e to the epoch seconds of an ISO 8601 date
# (2026-11-27T11:23:23Z, +00:00 offsets, fractional seconds, the legacy "UTC" suffix), or
# to "" when it does not parse.
__awsswitch_epoch() {
    __awsswitch_e=""
    \builtin local re='^([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt ]([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]*)?(Z|z|UTC|[+-][0-9]{2}:?[0-9]{2})?$'
    [[ ${1-} =~ $re ]] || \builtin return 0
    \builtin local -i y=10#${BASH_REMATCH[1]} m=10#${BASH_REMATCH[2]} d=10#${BASH_REMATCH[3]}
    \builtin local -i hh=10#${BASH_REMATCH[4]} mm=10#${BASH_REMATCH[5]} ss=10#${BASH_REMATCH[6]}
    \builtin local tz=${BASH_REMATCH[8]} off=0 era yoe doy doe
    if [[ ${tz} == [+-]* ]]; then
        tz=${tz//:/}
        off=$((10#${tz:1:2} * 3600 + 10#${tz:3:2} * 60))
        [[ ${tz} == -* ]] && off=$((-off))
    fi
    # Days from the civil date (H. Hinnant's algorithm); the year starts in March.
    y=$((y - (m <= 2)))
    era=$(((y >= 0 ? y : y - 399) / 400))
    yoe=$((y - era * 400))
    doy=$(((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1))
    doe=$((yoe * 365 + yoe / 4 - yoe / 100 + doy))
    __awsswitch_e=$((((era * 146097 + doe - 719468) * 86400) + hh * 3600 + mm * 60 + ss - off))
}

# __awsswitch_token_state FILE: sets AWSSWITCH_TOKEN_STATE to fresh (more than 15 minutes
# left), refresh (15 minutes or less, or expired, but refreshable) or login (anything else).
__awsswitch_token_state() {
    AWSSWITCH_TOKEN_STATE=login
    \builtin local json="" now="" exp="" reg="" q='"' s='[[:space:]]*'
    [[ -f ${1-} && -r ${1-} ]] || \builtin return 0
    IFS= \builtin read -r -d '' json <"$1" || \builtin true
    now=${EPOCHSECONDS-}
    [[ -n ${now} ]] || \builtin printf -v now '%(%s)T' -1
    \builtin local re_exp="${q}accessToken${q}${s}:${s}${q}[^${q}]"
    [[ ${json} =~ ${re_exp} ]] || \builtin return 0
    re_exp="${q}expiresAt${q}${s}:${s}${q}([^${q}]*)${q}"
    [[ ${json} =~ ${re_exp} ]] || \builtin return 0
    __awsswitch_epoch "${BASH_REMATCH[1]}"
    exp=${__awsswitch_e}
    [[ -n ${exp} ]] || \builtin return 0
    if ((exp - now > 900)); then
        AWSSWITCH_TOKEN_STATE=fresh
        \builtin return 0
    fi
    \builtin local key
    for key in refreshToken clientId clientSecret; do
        re_exp="${q}${key}${q}${s}:${s}${q}[^${q}]"
        [[ ${json} =~ ${re_exp} ]] || \builtin return 0
    done
    re_exp="${q}registrationExpiresAt${q}${s}:${s}${q}([^${q}]*)${q}"
    [[ ${json} =~ ${re_exp} ]] || \builtin return 0
    __awsswitch_epoch "${BASH_REMATCH[1]}"
    reg=${__awsswitch_e}
    if [[ -n ${reg} ]] && ((reg > now)); then
        AWSSWITCH_TOKEN_STATE=refresh
    fi
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
    \builtin local __awsswitch_s=$?
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
# Completion of profile names, without starting Python: read the names file that the core
# keeps in the cache folder when it is newer than the config files, else parse the
# [profile X] / [default] sections and the credentials file's [X] sections in the shell.

# __awsswitch_names KIND: fills the array __awsswitch_reply with profile names (full and
# short) for KIND=profiles, sso-session names for KIND=sessions.
__awsswitch_names() {
    __awsswitch_reply=()
    ((BASH_VERSINFO[0] >= 4)) || \builtin return 0
    \builtin local kind=${1-profiles} cache file line
    \builtin local -a lines
    lines=()
    cache=${AWSSWITCH_CACHE_DIR:-${XDG_CACHE_HOME:-${HOME-}/.cache}/awsswitch}
    file="${cache}/names"
    if [[ -f ${file} && -r ${file} ]]; then
        \builtin mapfile -t lines <"${file}"
    fi
    # Header: magic, raw AWS_CONFIG_FILE, raw AWS_SHARED_CREDENTIALS_FILE, HOME, then the
    # two resolved paths, each prefixed with + (existed when written) or - (did not).
    if ((${#lines[@]} >= 6)) && [[ ${lines[0]} == "awsswitch-names 1" &&
        ${lines[1]} == "${AWS_CONFIG_FILE-}" &&
        ${lines[2]} == "${AWS_SHARED_CREDENTIALS_FILE-}" &&
        ${lines[3]} == "${HOME-}" ]] &&
        __awsswitch_names_fresh "${file}" "${lines[4]}" &&
        __awsswitch_names_fresh "${file}" "${lines[5]}"; then
        \builtin local want1=p want2=s
        [[ ${kind} == sessions ]] && want1=S want2=S
        for line in "${lines[@]:6}"; do
            [[ ${line:0:1} == "${want1}" || ${line:0:1} == "${want2}" ]] &&
                __awsswitch_reply+=("${line:1}")
        done
        \builtin return 0
    fi
    __awsswitch_names_parse "${kind}"
}

# __awsswitch_names_fresh NAMESFILE [+-]PATH: is the names file still valid for PATH?
__awsswitch_names_fresh() {
    \builtin local path=${2:1}
    case ${2:0:1} in
    +) [[ -e ${path} && $1 -nt ${path} ]] ;;
    -) [[ ! -e ${path} ]] ;;
    *) \builtin return 1 ;;
    esac
}

# The in-shell parser: botocore's section rules for the common cases (names that need
# shell-style quoting beyond "..." are left to the names file).
__awsswitch_names_parse() {
    \builtin local kind=$1 config creds line head name rest
    \builtin local -a lines
    lines=()
    \builtin local -A seen count
    seen=()
    count=()
    config=${AWS_CONFIG_FILE:-${HOME-}/.aws/config}
    creds=${AWS_SHARED_CREDENTIALS_FILE:-${HOME-}/.aws/credentials}
    # botocore expands a leading ~ (against HOME) in both variables.
    [[ ${config} == \~/* ]] && config=${HOME-}${config:1}
    [[ ${creds} == \~/* ]] && creds=${HOME-}${creds:1}
    \builtin local -a full
    full=()
    if [[ -f ${config} && -r ${config} ]]; then
        \builtin mapfile -t lines <"${config}"
        for line in "${lines[@]}"; do
            line=${line#"${line%%[![:space:]]*}"}
            [[ ${line} == \[*\]* ]] || \builtin continue
            line=${line%"${line##*[![:space:]]}"}
            head=${line:1}
            head=${head%\]*}
            if [[ ${kind} == sessions ]]; then
                [[ ${head} == sso-session* ]] || \builtin continue
                rest=${head#sso-session}
            elif [[ ${head} == default ]]; then
                [[ -z ${seen[default]-} ]] && full+=(default) && seen[default]=1
                \builtin continue
            else
                [[ ${head} == profile* ]] || \builtin continue
                rest=${head#profile}
            fi
            # botocore: shlex.split(header) must give exactly two words.
            [[ ${rest} == [[:space:]]* ]] || \builtin continue
            rest=${rest#"${rest%%[![:space:]]*}"}
            name=${rest}
            if [[ ${name} == \"*\" && ${#name} -ge 2 ]]; then
                name=${name:1:${#name}-2}
                [[ ${name} == *[\"\\]* ]] && \builtin continue
            elif [[ ${name} == \'*\' && ${#name} -ge 2 ]]; then
                name=${name:1:${#name}-2}
                [[ ${name} == *\'* ]] && \builtin continue
            elif [[ -z ${name} || ${name} == *[[:space:]\"\'\\]* ]]; then
                \builtin continue
            fi
            [[ -n ${name} && -z ${seen[${name}]-} ]] || \builtin continue
            seen[${name}]=1
            full+=("${name}")
        done
    fi
    if [[ ${kind} == sessions ]]; then
        __awsswitch_reply=("${full[@]}")
        \builtin return 0
    fi
    if [[ -f ${creds} && -r ${creds} ]]; then
        \builtin mapfile -t lines <"${creds}"
        for line in "${lines[@]}"; do
            line=${line#"${line%%[![:space:]]*}"}
            [[ ${line} == \[*\]* ]] || \builtin continue
            line=${line%"${line##*[![:space:]]}"}
            name=${line:1}
            name=${name%\]*}
            [[ -n ${name} && ${name} != DEFAULT && -z ${seen[${name}]-} ]] || \builtin continue
            seen[${name}]=1
            full+=("${name}")
        done
    fi
    # Short names: without the first dot-component when 3+ components and still unique.
    \builtin local -a shorts
    shorts=()
    for name in "${full[@]}"; do
        rest=""
        [[ ${name} == *.*.* ]] && rest=${name#*.}
        shorts+=("${rest}")
        [[ -n ${rest} ]] && count[${rest}]=$((${count[${rest}]-0} + 1))
    done
    \builtin local -i i
    for ((i = 0; i < ${#full[@]}; i++)); do
        __awsswitch_reply+=("${full[i]}")
        rest=${shorts[i]}
        [[ -n ${rest} && ${count[${rest}]} -eq 1 && -z ${seen[${rest}]-} ]] &&
            __awsswitch_reply+=("${rest}")
    done
    \builtin return 0
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
    \builtin local line=${COMP_LINE:0:COMP_POINT} cur prev word keep q
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
    __awsswitch_names profiles
    # Drop what readline already treats as a separate word (up to the last : or =).
    keep=""
    [[ ${cur} == *[:=]* ]] && keep=${cur%"${cur##*[:=]}"}
    for word in "${__awsswitch_reply[@]}"; do
        [[ ${word} == "${cur}"* ]] || \builtin continue
        word=${word#"${keep}"}
        if [[ ${word} == *[!A-Za-z0-9._@%+,:=/-]* ]]; then
            \builtin printf -v q '%q' "${word}"
            word=${q}
        fi
        COMPREPLY+=("${word}")
    done
    \builtin return 0
}
if ((BASH_VERSINFO[0] >= 4)); then
    \builtin complete -F __awsswitch_complete __AWSSWITCH_CMD__
fi

# ---------------------------------------------------------------------------------------
# Aliases (--aliases): one per profile, skipped when the name is already a command,
# builtin, function or someone else's alias.
__awsswitch_alias() {
    \builtin local name=$1 value word q
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
