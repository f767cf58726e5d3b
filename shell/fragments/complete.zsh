# Completion of the awsswitch command (zsh), sourced by completions/_awsswitch, which holds
# what each command accepts (generated from the typer app by scripts/gen_completions.py).
# Profile and sso-session names and regions come from the zsh integration when it is
# loaded, else from the files beside this one: no Python process per TAB.

if (( ! $+functions[__awsswitch_names] )); then
    () {
        \builtin emulate -L zsh
        \builtin local here="${1:h}"
        \builtin source $here/names.zsh
        \builtin typeset -g __awsswitch_awk="$(<$here/names.awk)"
        \builtin typeset -ga __awsswitch_regions
        __awsswitch_regions=(${(f)"$(<$here/regions.txt)"})
    } ${(%):-%x}
fi

__awsswitch_cli_profiles() {
    \builtin local -a reply
    __awsswitch_names profiles "$PREFIX"
    _wanted profiles expl 'AWS profile' compadd -a reply
}

__awsswitch_cli_sessions() {
    \builtin local -a reply
    __awsswitch_names sessions "$PREFIX"
    _wanted sessions expl 'sso-session' compadd -a reply
}

__awsswitch_cli_regions() {
    _wanted regions expl 'region' compadd -a __awsswitch_regions
}
