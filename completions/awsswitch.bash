# shellcheck shell=bash
# bash completion for the awsswitch command. Generated from the typer app by scripts/gen_completions.py: do not edit.
# Installed as share/bash-completion/completions/awsswitch; `awsswitch init bash`
# reads it from the package. What completes is shell/fragments/complete.bash.
__awsswitch_cli_dir=${BASH_SOURCE[0]%/*}/../shell/fragments
[[ -f ${__awsswitch_cli_dir}/complete.bash ]] ||
    IFS= \builtin read -r __awsswitch_cli_dir <<<"$(\builtin compgen -G \
        "${BASH_SOURCE[0]%/share/*}/lib/python3*/*-packages/awsswitch/shell/fragments" ||
        \builtin true)"
[[ ! -f ${__awsswitch_cli_dir}/complete.bash ]] || \builtin source "${__awsswitch_cli_dir}/complete.bash"
\builtin unset __awsswitch_cli_dir

# What each command accepts: its subcommands, its options ("=": takes a value).
__awsswitch_cli_spec() {
    case $1 in
    "") __awsswitch_cli_subs=(init list status doctor export exec serve console allow deny login logout sync demo configure); __awsswitch_cli_words=(--version -V --help -h) ;;
    init) __awsswitch_cli_subs=(); __awsswitch_cli_words=(--cmd= --aliases --aliases= --prompt --auto --help -h) ;;
    list) __awsswitch_cli_subs=(); __awsswitch_cli_words=(--json --help -h) ;;
    status) __awsswitch_cli_subs=(); __awsswitch_cli_words=(--verify --help -h) ;;
    doctor) __awsswitch_cli_subs=(); __awsswitch_cli_words=(--json --verify --help -h) ;;
    export) __awsswitch_cli_subs=(); __awsswitch_cli_words=(--format= -f= --help -h) ;;
    exec) __awsswitch_cli_subs=(); __awsswitch_cli_words=(--help -h) ;;
    serve) __awsswitch_cli_subs=(); __awsswitch_cli_words=(--port= --help -h) ;;
    console) __awsswitch_cli_subs=(); __awsswitch_cli_words=(--service= --destination= --region= --url --browser= --duration= --help -h) ;;
    allow) __awsswitch_cli_subs=(); __awsswitch_cli_words=(--help -h) ;;
    deny) __awsswitch_cli_subs=(); __awsswitch_cli_words=(--help -h) ;;
    login) __awsswitch_cli_subs=(); __awsswitch_cli_words=(--sso-session= --force --native --no-browser --use-device-code --help -h) ;;
    logout) __awsswitch_cli_subs=(); __awsswitch_cli_words=(--sso-session= --help -h) ;;
    sync) __awsswitch_cli_subs=(); __awsswitch_cli_words=(--template= --dry-run --prune --rename --region= --yes -y --concurrency= --max-rate= --help -h) ;;
    demo) __awsswitch_cli_subs=(); __awsswitch_cli_words=(--help -h) ;;
    configure) __awsswitch_cli_subs=(sso-session profile); __awsswitch_cli_words=(--help -h) ;;
    "configure sso-session") __awsswitch_cli_subs=(); __awsswitch_cli_words=(--start-url= --region= --scopes= --help -h) ;;
    "configure profile") __awsswitch_cli_subs=(); __awsswitch_cli_words=(--sso-session= --account-id= --role-name= --region= --output= --help -h) ;;
    *) __awsswitch_cli_subs=(); __awsswitch_cli_words=() ;;
    esac
}

# What a value is (COMMAND OPTION, COMMAND ARGUMENT-NUMBER, COMMAND * for any):
# profile or sso-session names, regions, or words (into __awsswitch_cli_reply).
# shellcheck disable=SC2034 # kind, __awsswitch_cli_reply: read by _awsswitch
__awsswitch_cli_value() {
    kind=""
    case $1 in
    "demo 1" | "init 1") kind=words; __awsswitch_cli_reply=(bash zsh fish) ;;
    "configure profile 1" | "console 1" | "doctor 1" | "export 1" | "login 1" | "serve 1" | "status 1") kind=profiles ;;
    "export --format" | "export -f") kind=words; __awsswitch_cli_reply=(env env-no-export fish powershell process dotenv) ;;
    "configure profile --region" | "configure sso-session --region" | "console --region" | "sync --region") kind=regions ;;
    "configure profile --sso-session" | "configure sso-session 1" | "login --sso-session" | "logout --sso-session" | "sync *") kind=sessions ;;
    "configure profile --output") kind=words; __awsswitch_cli_reply=(json yaml yaml-stream text table) ;;
    esac
}

if ((BASH_VERSINFO[0] >= 4)) && \builtin declare -F _awsswitch >/dev/null; then
    \builtin complete -F _awsswitch awsswitch
fi
