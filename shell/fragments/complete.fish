# Completion of the awsswitch command (fish), sourced by completions/awsswitch.fish, which
# holds what each command accepts (generated from the typer app by
# scripts/gen_completions.py). Profile and sso-session names and regions come from the fish
# integration when it is loaded, else from the files beside this one: no Python process
# per TAB.

if not functions -q __awsswitch_names
    set -l here (string replace -r '/[^/]*$' '' -- (status current-filename))
    source $here/names.fish
    set -g __awsswitch_awk (string collect <$here/names.awk)
    set -g __awsswitch_regions (string split \n -- (string collect <$here/regions.txt))
end

# __awsswitch_cli_at PATH [N]: is the command line before the cursor at the command PATH
# ('' for awsswitch itself, 'configure profile'), and, given N, at its N-th argument? The
# commands in $__awsswitch_cli_groups have subcommands; the options in
# $__awsswitch_cli_valued take the next word as their value.
function __awsswitch_cli_at --argument-names want n
    set -l path ''
    set -l args 0
    set -l value 0
    for word in (commandline -opc)[2..-1]
        if builtin test $value = 1
            set value 0
        else if string match -q -- '-*' $word
            contains -- $word $__awsswitch_cli_valued; and set value 1
        else if builtin test -z "$path"; or contains -- $path $__awsswitch_cli_groups
            set path (string trim -- "$path $word")
        else
            set args (math $args + 1)
        end
    end
    builtin test "$path" = "$want"; and begin
        builtin test -z "$n"; or builtin test (math $args + 1) -eq $n
    end
end
