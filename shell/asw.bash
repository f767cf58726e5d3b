# shellcheck shell=bash
# awsswitch integration for bash: the switch function, its completion, the prompt hook.
# Load it with `eval "$(awsswitch init bash)"` in ~/.bashrc. Internals are named
# __awsswitch_*; the user-facing names are the function (default `asw`) and AWSSWITCH_*.
# Safe to source twice, under `set -euo pipefail`, POSIX mode, extglob, nullglob,
# failglob and nocasematch, with an alias or function of the same name.
# `awsswitch init` renders it: `# @include FILE` lines become that file of shell/fragments/
# (shared with the zsh and fish integrations and with the completion of `awsswitch`).

\builtin unalias __AWSSWITCH_CMD__ >/dev/null 2>&1 || \builtin true
# Marks this shell (and its children) as having the integration: `awsswitch doctor` reads it.
# shellcheck disable=SC2034
\builtin export AWSSWITCH_SHELL=bash

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
# SSO token or the `aws login` console session is due for a refresh, "!" when a login is
# needed); AWSSWITCH_TOKEN_STATE holds fresh, refreshable or login-needed
# (awsswitch.sso.state's words). Use the segment inside a single-quoted PS1 so the name is
# expanded at draw time, never parsed as prompt code:
#   PS1='${AWSSWITCH_PROMPT:+($AWSSWITCH_PROMPT) }'"$PS1"
# The segment costs no process: the token or console-session cache file is read with `read`
# and the date arithmetic done in the shell (shell/fragments/token.sh and prompt.sh, shared
# with zsh). With --auto the hook runs the core (one process) only when the nearest
# .awsprofile changes, or after an allow or deny.

# @include fragments/token.sh

# __awsswitch_token_read FILE: the caller's `json` from FILE; status 1 when FILE holds a
# NUL byte or more than 64 KiB (login-needed, then). A cap, not the whole file: a token is
# a few KB, and a huge file must not cost seconds at every prompt.
# shellcheck disable=SC2034 # json: the caller's (token.sh)
__awsswitch_token_read() {
    # `read -d ''` stops at a NUL byte, -n after that many bytes, both with status 0; at the
    # end of the file it stops with status 1.
    ! IFS= \builtin read -r -d '' -n 65537 json <"$1"
}

# __awsswitch_token_state FILE [login]: sets AWSSWITCH_TOKEN_STATE from the SSO token file
# FILE (or, with `login`, from an `aws login` console session's cache file).
__awsswitch_token_state() {
    # Untraced: under `set -x` every line below would print the tokens on stderr.
    if [[ $- == *x* ]]; then
        \builtin set +x
        __awsswitch_token_state "$@"
        \builtin set -x
        \builtin return 0
    fi
    AWSSWITCH_TOKEN_STATE=""
    # The time without a process: $EPOCHSECONDS (bash 5), printf %(%s)T (bash 4.2); older
    # bash shows no token state rather than a wrong one.
    \builtin local now="${EPOCHSECONDS-}"
    if [[ -z ${now} ]] && ((BASH_VERSINFO[0] * 100 + BASH_VERSINFO[1] >= 402)); then
        \builtin printf -v now '%(%s)T' -1
    fi
    [[ -n ${now} ]] || \builtin return 0
    \builtin local check=__awsswitch_token_check
    [[ ${2-} != login ]] || check=__awsswitch_login_check
    # nocasematch would let "AccessToken" pass for accessToken.
    if \builtin shopt -q nocasematch; then
        \builtin shopt -u nocasematch
        "${check}" "${1-}" "${now}" || \builtin true
        \builtin shopt -s nocasematch
    else
        "${check}" "${1-}" "${now}" || \builtin true
    fi
    # BASH_REMATCH is global and holds the last match, a token: leave an empty one there.
    [[ ${AWSSWITCH_TOKEN_STATE} =~ ^ ]]
}

# @include fragments/prompt.sh

# Runs first in PROMPT_COMMAND and hands the last command's status on unchanged.
__awsswitch_prompt_hook() {
    \builtin local __awsswitch_s="$?"
# @if auto
    __awsswitch_auto_hook || \builtin true
# @endif
    __awsswitch_prompt_update || \builtin true
    \builtin return "${__awsswitch_s}"
}

# @if auto
# ---------------------------------------------------------------------------------------
# Per-directory profiles (--auto): the nearest .awsprofile that `awsswitch allow` trusted
# picks the profile; leaving its tree brings back the one from before. Looked for before
# each prompt, with no process (shell/fragments/auto.sh, shared with zsh).

# @include fragments/auto.sh

# The hook's switches go through the switch function: one way to run the core and eval.
__awsswitch_auto_call() {
    __AWSSWITCH_CMD__ --auto "$@" || \builtin true
}

# @endif
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
# Completion of profile names, without starting Python (shell/fragments/names.*).

# shellcheck disable=SC2016 # awk code, not shell
# @string __awsswitch_awk fragments/names.awk
# @include fragments/names.bash
# Regions offered after -r/--region (a static list: no network, no process).
# @words __awsswitch_regions fragments/regions.txt

# Completion for the switch function: options, regions after -r, profile names.
# shellcheck disable=SC2154 # __awsswitch_regions, __awsswitch_reply: set above
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

# @if cli
# Completion of the awsswitch command itself, read from the package this integration comes
# from on the first TAB after `awsswitch` (bash-completion finds no share/ folder of a pipx,
# venv or --user install). The file registers its own function for the next TAB.
__awsswitch_cli_complete() {
    if \builtin source __AWSSWITCH_CLI__ && \builtin declare -F _awsswitch >/dev/null; then
        _awsswitch "$@"
    fi
}
if ((BASH_VERSINFO[0] >= 4)); then
    \builtin complete -F __awsswitch_cli_complete awsswitch
fi
# @endif

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
