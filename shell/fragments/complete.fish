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
# commands in $__awsswitch_cli_groups have subcommands (and no option takes a value).
function __awsswitch_cli_at --argument-names want n
    set -l path ''
    set -l args 0
    for word in (commandline -opc)[2..-1]
        string match -q -- '-*' $word; and continue
        if builtin test -z "$path"; or contains -- $path $__awsswitch_cli_groups
            set path (string trim -- "$path $word")
        else
            set args (math $args + 1)
        end
    end
    builtin test "$path" = "$want"; and begin
        builtin test -z "$n"; or builtin test (math $args + 1) -eq $n
    end
end
