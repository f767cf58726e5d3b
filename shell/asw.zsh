# awsswitch integration for zsh: the switch function, its completion, the prompt hook.
# Load it with `eval "$(awsswitch init zsh)"` in ~/.zshrc. Internals are named
# __awsswitch_*; the user-facing names are the function (default `asw`) and AWSSWITCH_*.
# `awsswitch init` renders it: `# @include FILE` lines become that file of shell/fragments/
# (shared with the bash and fish integrations and with the completion of `awsswitch`), and
# everything above `# @outer` is run by `emulate -R zsh -c`: it parses the same whatever the
# user's options (sh_glob, csh_junkie_quotes, ignore_braces, emulate sh or ksh, ...), and the
# functions it defines run with zsh's own options ("sticky" emulation). Safe to source twice.

\builtin unalias __AWSSWITCH_CMD__ >/dev/null 2>&1 || \builtin true
# Marks this shell (and its children) as having the integration: `awsswitch doctor` reads it.
\builtin export AWSSWITCH_SHELL=zsh

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
# appended when the SSO token or the `aws login` console session is due for a refresh, "!"
# when a login is needed); AWSSWITCH_TOKEN_STATE holds fresh, refreshable or login-needed
# (awsswitch.sso.state's words). Put `%(9V.(%9v) .)` in PROMPT or RPROMPT: %9v prints the
# value literally, no prompt_subst needed. The segment costs no process (zsh/datetime,
# `read`, shell arithmetic: shell/fragments/token.sh and prompt.sh, shared with bash); with
# --auto the hooks run the core (one process) only when the nearest .awsprofile changes, or
# after an allow or deny. zsh runs them untraced: every function starts with `emulate`,
# which turns xtrace off.

\builtin zmodload -F zsh/datetime p:EPOCHSECONDS 2>/dev/null || \builtin true

# @include fragments/token.sh

# __awsswitch_token_read FILE: the caller's `json` from FILE; status 1 when FILE holds more
# than 64 KiB (login-needed, then). A cap, not the whole file: a token is a few KB, and a
# huge file must not cost seconds at every prompt. A NUL byte stays in `json`, where the
# ASCII check of token.sh refuses it.
__awsswitch_token_read() {
    \builtin emulate -L zsh
    # `read -k N` reads N bytes (LC_ALL=C in the caller) with status 0, or stops at the end
    # of the file with status 1.
    ! IFS= \builtin read -r -u 0 -k 65537 json <"$1"
}

# __awsswitch_token_state FILE [login]: sets AWSSWITCH_TOKEN_STATE from the SSO token file
# FILE (or, with `login`, from an `aws login` console session's cache file).
__awsswitch_token_state() {
    \builtin emulate -LR zsh
    \builtin typeset -g AWSSWITCH_TOKEN_STATE=""
    # The readers' matches land here and go with this function: they hold tokens.
    \builtin local -a BASH_REMATCH
    # zsh/datetime did not load: no token state rather than a wrong one.
    [[ -n ${EPOCHSECONDS-} ]] || \builtin return 0
    if [[ ${2-} == login ]]; then
        __awsswitch_login_check "${1-}" "$EPOCHSECONDS"
    else
        __awsswitch_token_check "${1-}" "$EPOCHSECONDS"
    fi
    \builtin return 0
}

# @include fragments/prompt.sh

# precmd hook: the segment into psvar[9]; zsh keeps $? for the prompt across hooks.
__awsswitch_precmd() {
    \builtin emulate -L zsh
# @if auto
    __awsswitch_auto_hook
# @endif
    __awsswitch_prompt_update
    psvar[9]=$AWSSWITCH_PROMPT
    # Register the completions as soon as compinit has run (it may come after init).
    if (( $+functions[compdef] )) && [[ ${_comps[__AWSSWITCH_CMD__]-} != __awsswitch_complete ]]; then
        __awsswitch_compdef
    fi
    \builtin return 0
}

\builtin autoload -Uz add-zsh-hook
add-zsh-hook -d precmd __awsswitch_precmd
add-zsh-hook precmd __awsswitch_precmd
# @if auto

# ---------------------------------------------------------------------------------------
# Per-directory profiles (--auto): the nearest .awsprofile that `awsswitch allow` trusted
# picks the profile; leaving its tree brings back the one from before. Looked for at each
# directory change (chpwd, so `cd dir && aws ...` already runs with it) and before each
# prompt, with no process (shell/fragments/auto.sh, shared with bash).

# @include fragments/auto.sh

# The hook's switches go through the switch function: one way to run the core and eval.
__awsswitch_auto_call() {
    \builtin emulate -L zsh
    __AWSSWITCH_CMD__ --auto "$@" || \builtin true
}
add-zsh-hook -d chpwd __awsswitch_auto_hook
add-zsh-hook chpwd __awsswitch_auto_hook

# @endif
\builtin typeset -g AWSSWITCH_PROMPT="" AWSSWITCH_TOKEN_STATE=""
__awsswitch_prompt_update
psvar[9]=$AWSSWITCH_PROMPT
# @if prompt
# --prompt: put the segment in front of PROMPT, once.
if [[ ${PROMPT-} != *'%9v'* ]]; then
    PROMPT='%(9V.(%9v) .)'"${PROMPT-}"
fi
# @endif

# ---------------------------------------------------------------------------------------
# Completion of profile names, without starting Python (shell/fragments/names.*).

# @string __awsswitch_awk fragments/names.awk
# @include fragments/names.zsh
# Regions offered after -r/--region (a static list: no network, no process).
# @words __awsswitch_regions fragments/regions.txt

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

# Registers the completion of the switch function (and of the awsswitch command, whose
# function the last lines below load from the package) once compinit has run.
__awsswitch_compdef() {
    compdef __awsswitch_complete __AWSSWITCH_CMD__
# @if cli
    compdef _awsswitch awsswitch
# @endif
}
if (( $+functions[compdef] )); then
    __awsswitch_compdef
fi
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
\builtin true
# @outer
# @if cli
# Completion of the awsswitch command itself: its file in the package this integration
# comes from (zsh finds no share/ folder of a pipx, venv or --user install), autoloaded on
# the first TAB after `awsswitch`. Outside the emulate block, so that it runs with the
# options compsys sets for completion functions.
\builtin autoload -Uz -- __AWSSWITCH_CLI__ 2>/dev/null || \builtin true
# @endif
# One line per alias (--aliases): each is one plain command, whatever the options.
# @aliases
