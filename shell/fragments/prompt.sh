# shellcheck shell=bash
# The prompt segment, shared by bash and zsh: `awsswitch init` splices this file into both,
# and the `# @prologue` line becomes that shell's own first line of the function (as in
# token.sh). The calling template provides __awsswitch_token_state FILE [login], which sets
# AWSSWITCH_TOKEN_STATE from a token or console-session cache file without a process.

# shellcheck disable=SC2034 # AWSSWITCH_PROMPT: read by the user's prompt
# __awsswitch_prompt_update: fills AWSSWITCH_PROMPT (and AWSSWITCH_TOKEN_STATE) from the
# environment.
__awsswitch_prompt_update() {
    # @prologue
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
    elif [[ -n ${AWSSWITCH_LOGIN_FILE-} ]]; then
        __awsswitch_token_state "${AWSSWITCH_LOGIN_FILE}" login
    fi
    case ${AWSSWITCH_TOKEN_STATE} in
    refreshable) segment+="~" ;;
    login-needed) segment+="!" ;;
    esac
# @if auto
    # --auto: "@dir" when a directory's .awsprofile chose the profile.
    [[ ${AWSSWITCH_PROFILE_SOURCE-} != dir:* ]] || segment+="@dir"
# @endif
    AWSSWITCH_PROMPT=${segment}
}
