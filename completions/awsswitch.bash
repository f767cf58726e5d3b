# shellcheck shell=bash
# bash completion for awsswitch, installed as share/bash-completion/completions/awsswitch
# (bash-completion loads it the first time you press TAB after `awsswitch`). Or source it
# from ~/.bashrc. Profile and sso-session names come from the names file the switch core
# keeps, or from the config files parsed in the shell: no Python process per TAB.

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
_awsswitch_cli_awk='
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

# _awsswitch_cli_names KIND [PREFIX]: fills the array _awsswitch_cli_reply with the profile names
# (full and short) for KIND=profiles, the sso-session names for KIND=sessions, that start
# with PREFIX.
_awsswitch_cli_names() {
    _awsswitch_cli_reply=()
    ((BASH_VERSINFO[0] >= 4)) || \builtin return 0
    \builtin local kind="${1-profiles}" prefix="${2-}" file
    \builtin local -a lines
    file=${AWSSWITCH_CACHE_DIR:-${XDG_CACHE_HOME:-${HOME-}/.cache}/awsswitch}/names
    lines=()
    # The header first: a stale names file is not read whole. Then the whole file, checked
    # again (it may have been replaced in between).
    if [[ -f ${file} && -r ${file} ]]; then
        \builtin mapfile -t -n 6 lines <"${file}"
        if _awsswitch_cli_names_usable "${file}"; then
            \builtin mapfile -t lines <"${file}"
        fi
    fi
    if _awsswitch_cli_names_usable "${file}"; then
        if [[ ${kind} == sessions ]]; then
            _awsswitch_cli_names_range "S${prefix}"
        else
            _awsswitch_cli_names_range "p${prefix}"
            _awsswitch_cli_names_range "s${prefix}"
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
    \builtin mapfile -t _awsswitch_cli_reply < <(LC_ALL=C \command awk -v kind="${kind}" \
        "${_awsswitch_cli_awk}" "${prefix}" cfg=1 "${config}" cfg=0 "${creds}" 2>/dev/null)
    \builtin return 0
}

# _awsswitch_cli_names_usable NAMESFILE: does the caller's `lines` start with a header that
# matches this environment, and is the names file newer than the files it names? Header:
# magic, raw AWS_CONFIG_FILE, raw AWS_SHARED_CREDENTIALS_FILE, HOME, then the two resolved
# paths, each prefixed with + (existed when written) or - (did not).
_awsswitch_cli_names_usable() {
    ((${#lines[@]} >= 6)) && [[ ${lines[0]} == "#awsswitch-names 2" &&
        ${lines[1]} == "#${AWS_CONFIG_FILE-}" &&
        ${lines[2]} == "#${AWS_SHARED_CREDENTIALS_FILE-}" &&
        ${lines[3]} == "#${HOME-}" ]] &&
        _awsswitch_cli_names_fresh "$1" "${lines[4]:1}" &&
        _awsswitch_cli_names_fresh "$1" "${lines[5]:1}"
}

# _awsswitch_cli_names_fresh NAMESFILE [+-]PATH: is the names file still valid for PATH?
_awsswitch_cli_names_fresh() {
    \builtin local path="${2:1}"
    case ${2:0:1} in
    +) [[ -e ${path} && $1 -nt ${path} ]] ;;
    -) [[ ! -e ${path} ]] ;;
    *) \builtin return 1 ;;
    esac
}

# _awsswitch_cli_names_range KEY: appends to _awsswitch_cli_reply the lines of the caller's
# sorted `lines` that start with KEY (without their first character): two binary searches
# and one slice, so a TAB costs about the same with 10 or 10,000 profiles.
_awsswitch_cli_names_range() {
    \builtin local LC_ALL=C
    \builtin local -i first last
    _awsswitch_cli_names_bound "$1"
    first=${_awsswitch_cli_i}
    # No UTF-8 text contains the byte 0xFF: KEY followed by it sorts after every match.
    _awsswitch_cli_names_bound "$1"$'\xff'
    last=${_awsswitch_cli_i}
    if ((last > first)); then
        \builtin local -a found
        found=("${lines[@]:first:last-first}")
        _awsswitch_cli_reply+=("${found[@]#?}")
    fi
    \builtin return 0
}

# _awsswitch_cli_names_bound KEY: sets _awsswitch_cli_i to the first index of `lines` (from 6,
# past the header) whose line is not less than KEY (byte order: LC_ALL=C in the caller).
_awsswitch_cli_names_bound() {
    \builtin local -i lo=6 hi="${#lines[@]}" mid
    while ((lo < hi)); do
        mid=$(((lo + hi) / 2))
        if [[ ${lines[mid]} < "$1" ]]; then
            lo=$((mid + 1))
        else
            hi=${mid}
        fi
    done
    _awsswitch_cli_i=${lo}
}

# What each command accepts; "=" after an option means it takes a value.
_awsswitch_cli_spec() {
    case $1 in
    "") _awsswitch_cli_words="init configure list status login logout sync demo --version -V --help -h" ;;
    init) _awsswitch_cli_words="--cmd= --aliases --aliases= --prompt --help -h" ;;
    configure) _awsswitch_cli_words="sso-session profile --help -h" ;;
    "configure sso-session") _awsswitch_cli_words="--start-url= --region= --scopes= --help -h" ;;
    "configure profile") _awsswitch_cli_words="--sso-session= --account-id= --role-name= --region= --output= --help -h" ;;
    list) _awsswitch_cli_words="--json --help -h" ;;
    status) _awsswitch_cli_words="--verify --help -h" ;;
    login) _awsswitch_cli_words="--sso-session= --force --native --no-browser --help -h" ;;
    logout) _awsswitch_cli_words="--sso-session= --help -h" ;;
    sync) _awsswitch_cli_words="--template= --dry-run --prune --region= --yes -y --concurrency= --max-rate= --help -h" ;;
    demo) _awsswitch_cli_words="--help -h" ;;
    *) _awsswitch_cli_words="" ;;
    esac
}

# What a positional argument of each command is (COMMAND PREFIX).
_awsswitch_cli_positional() {
    case $1 in
    init | demo) _awsswitch_cli_reply=(bash zsh fish) ;;
    status | login | "configure profile")
        kind=names
        _awsswitch_cli_names profiles "$2"
        ;;
    sync | "configure sso-session")
        kind=names
        _awsswitch_cli_names sessions "$2"
        ;;
    *) _awsswitch_cli_reply=() ;;
    esac
}

# Values of the options that take one (OPTION PREFIX).
_awsswitch_cli_value() {
    case $1 in
    --sso-session)
        kind=names
        _awsswitch_cli_names sessions "$2"
        ;;
    --region)
        _awsswitch_cli_reply=(us-east-1 us-east-2 us-west-1 us-west-2 af-south-1 ap-east-1
            ap-south-1 ap-south-2 ap-southeast-1 ap-southeast-2 ap-southeast-3 ap-southeast-4
            ap-southeast-5 ap-northeast-1 ap-northeast-2 ap-northeast-3 ca-central-1 ca-west-1
            eu-central-1 eu-central-2 eu-west-1 eu-west-2 eu-west-3 eu-south-1 eu-south-2
            eu-north-1 il-central-1 me-south-1 me-central-1 mx-central-1 sa-east-1
            us-gov-east-1 us-gov-west-1 cn-north-1 cn-northwest-1)
        ;;
    --output) _awsswitch_cli_reply=(json yaml yaml-stream text table) ;;
    *) _awsswitch_cli_reply=() ;;
    esac
}

_awsswitch() {
    local line=${COMP_LINE:0:COMP_POINT} cur path="" word value="" keep="" q="" i kind=""
    local -a words
    # Words before the cursor, split on blanks (COMP_WORDS also splits at ':' and '=').
    read -r -a words <<<"${line}"
    cur=""
    [[ ${line} == *[![:space:]] ]] && cur=${words[${#words[@]} - 1]} && unset "words[${#words[@]}-1]"
    COMPREPLY=()
    _awsswitch_cli_reply=()
    # Walk the words: find the command path and whether the last one wants a value.
    for ((i = 1; i < ${#words[@]}; i++)); do
        word=${words[i]}
        if [[ -n ${value} ]]; then
            value=""
            continue
        fi
        if [[ ${word} == -* ]]; then
            _awsswitch_cli_spec "${path}"
            [[ ${word} != *=* && " ${_awsswitch_cli_words} " == *" ${word}= "* ]] && value=${word}
            continue
        fi
        if [[ -z ${path} || ${path} == configure ]]; then
            _awsswitch_cli_spec "${path}"
            if [[ " ${_awsswitch_cli_words} " == *" ${word} "* ]]; then
                path=${path:+${path} }${word}
            fi
        fi
    done
    if [[ -n ${value} ]]; then
        _awsswitch_cli_value "${value}" "${cur}"
    elif [[ ${cur} == --*=* ]]; then
        keep=${cur%%=*}=
        cur=${cur#*=}
        _awsswitch_cli_value "${keep%=}" "${cur}"
    elif [[ ${cur} == -* || ${path} == "" || ${path} == configure ]]; then
        _awsswitch_cli_spec "${path}"
        for word in ${_awsswitch_cli_words}; do
            [[ ${cur} != -* && ${word} == -* ]] && continue
            [[ ${word} == "${cur}"* ]] && COMPREPLY+=("${word}")
        done
        [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]] && compopt -o nospace
        return 0
    else
        _awsswitch_cli_positional "${path}" "${cur}"
    fi
    # Values: keep what matches (names come filtered already), put back an `--option=`
    # typed in the same word, drop what readline treats as a separate word (up to the last
    # : or =), and quote what needs it (printf %q leaves plain names as they are).
    local -a found
    found=()
    if [[ ${kind-} == names ]]; then
        found=("${_awsswitch_cli_reply[@]}")
    else
        for word in "${_awsswitch_cli_reply[@]}"; do
            [[ ${word} == "${cur}"* ]] && found+=("${word}")
        done
    fi
    ((${#found[@]})) || return 0
    local typed=${keep-}${cur}
    keep=""
    [[ ${typed} == *[:=]* ]] && keep=${typed%"${typed##*[:=]}"}
    found=("${found[@]/#/"${typed%"${cur}"}"}")
    printf -v q '%q\n' "${found[@]#"${keep}"}"
    mapfile -t COMPREPLY <<<"${q%$'\n'}"
    return 0
}
if ((BASH_VERSINFO[0] >= 4)); then
    complete -F _awsswitch awsswitch
fi
