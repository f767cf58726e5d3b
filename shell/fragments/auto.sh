# shellcheck shell=bash
# Per-directory profiles (`awsswitch init --auto`), shared by bash and zsh: `awsswitch init`
# splices this file into both, and each `# @prologue` line becomes that shell's own first
# line of the function. The calling template provides __awsswitch_auto_call MODE FILE
# WARNED, which runs the switch function's core with `--auto` (awsswitch/switch/auto.py).
#
# Looking for the file starts no process: a walk up $PWD with `-f` tests. Only its path goes
# to the core, which reads the file itself and checks that `awsswitch allow` trusted exactly
# those bytes: nothing in the file is ever parsed by the shell. The core runs when the
# nearest file changes (another tree, or none), or, inside a tree, when `awsswitch allow`
# or `deny` rewrote the trust stamp (one `read` per prompt to notice it).
#
# Globals: __awsswitch_auto_pwd (the $PWD last looked from), __awsswitch_auto_file (the file
# found there), __awsswitch_auto_ready (set after the first look); the core sets
# __awsswitch_auto_state (applied, waiting or empty), __awsswitch_auto_warned (recent
# problems already said, each once), __awsswitch_auto_stampfile and __awsswitch_auto_stamp.

# __awsswitch_auto_find: sets __awsswitch_auto_found to the nearest .awsprofile in $PWD or
# a parent (a regular file, or a link to one), or to "".
__awsswitch_auto_find() {
    # @prologue
    __awsswitch_auto_found=""
    \builtin local dir="${PWD-}"
    [[ ${dir} == /* ]] || \builtin return 0
    [[ ${dir} != / ]] || dir=""
    while :; do
        if [[ -f ${dir}/.awsprofile ]]; then
            __awsswitch_auto_found="${dir}/.awsprofile"
            \builtin return 0
        fi
        [[ -n ${dir} ]] || \builtin return 0
        dir="${dir%/*}"
    done
}

# __awsswitch_auto_run MODE: asks the core about the file found (MODE: enter, leave, or
# the state to look again from).
__awsswitch_auto_run() {
    # @prologue
    # Until the core answers otherwise: look again only when the nearest file changes.
    __awsswitch_auto_state=""
    __awsswitch_auto_call "$1" "${__awsswitch_auto_file-}" "${__awsswitch_auto_warned-}"
}

# __awsswitch_auto_hook: the cd hook (bash: before each prompt; zsh: chpwd and precmd).
__awsswitch_auto_hook() {
    # @prologue
    if [[ ${PWD-} != "${__awsswitch_auto_pwd-}" || -z ${__awsswitch_auto_ready-} ]]; then
        __awsswitch_auto_pwd="${PWD-}"
        __awsswitch_auto_find
        if [[ -z ${__awsswitch_auto_ready-} ||
            ${__awsswitch_auto_found} != "${__awsswitch_auto_file-}" ]]; then
            __awsswitch_auto_ready=1
            __awsswitch_auto_file="${__awsswitch_auto_found}"
            if [[ -n ${__awsswitch_auto_file} ]]; then
                __awsswitch_auto_run enter
            elif [[ -n ${AWSSWITCH_AUTO_RESTORE-} ]]; then
                __awsswitch_auto_run leave
            else
                __awsswitch_auto_state=""
            fi
            \builtin return 0
        fi
    fi
    # Same file as before: look again only after an allow or deny (the stamp changed).
    [[ -n ${__awsswitch_auto_file-} && -n ${__awsswitch_auto_state-} ]] || \builtin return 0
    [[ -n ${__awsswitch_auto_stampfile-} ]] || \builtin return 0
    \builtin local stamp=""
    if [[ -f ${__awsswitch_auto_stampfile} ]]; then
        IFS= \builtin read -r stamp 2>/dev/null <"${__awsswitch_auto_stampfile}" ||
            \builtin true
    fi
    if [[ ${stamp} != "${__awsswitch_auto_stamp-}" ]]; then
        __awsswitch_auto_run "${__awsswitch_auto_state}"
    fi
    \builtin return 0
}
