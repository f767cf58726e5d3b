# Per-directory profiles (`awsswitch init --auto`) for fish: the same hook as
# fragments/auto.sh (bash and zsh; its comments say how it works), run when $PWD changes
# and before each prompt. The template provides __awsswitch_auto_call MODE FILE WARNED.
# Paths are never split: named regex captures set variables directly, without a command
# substitution (which would cut a folder name at a newline).

# __awsswitch_auto_find: sets __awsswitch_auto_found to the nearest .awsprofile in $PWD or
# a parent (a regular file, or a link to one), or to ''.
function __awsswitch_auto_find
    set -g __awsswitch_auto_found ''
    set -l dir "$PWD"
    string match -rq -- '^/' "$dir"; or return 0
    builtin test "$dir" = /; and set dir ''
    while true
        if builtin test -f "$dir/.awsprofile"
            set -g __awsswitch_auto_found "$dir/.awsprofile"
            return 0
        end
        builtin test -n "$dir"; or return 0
        set -l __awsswitch_parent
        string match -rq -- '^(?<__awsswitch_parent>[\s\S]*)/[^/]*\z' "$dir"; or return 0
        set dir "$__awsswitch_parent"
    end
end

# __awsswitch_auto_run MODE: asks the core about the file found.
function __awsswitch_auto_run --argument-names mode
    set -g __awsswitch_auto_state ''
    __awsswitch_auto_call $mode "$__awsswitch_auto_file" "$__awsswitch_auto_warned"
end

function __awsswitch_auto_hook --on-variable PWD --on-event fish_prompt
    if builtin test "$PWD" != "$__awsswitch_auto_pwd"; or not set -q __awsswitch_auto_ready
        set -g __awsswitch_auto_pwd "$PWD"
        __awsswitch_auto_find
        if not set -q __awsswitch_auto_ready
            or builtin test "$__awsswitch_auto_found" != "$__awsswitch_auto_file"
            set -g __awsswitch_auto_ready 1
            set -g __awsswitch_auto_file "$__awsswitch_auto_found"
            if builtin test -n "$__awsswitch_auto_file"
                __awsswitch_auto_run enter
            else if builtin test -n "$AWSSWITCH_AUTO_RESTORE"
                __awsswitch_auto_run leave
            else
                set -g __awsswitch_auto_state ''
            end
            return 0
        end
    end
    # Same file as before: look again only after an allow or deny (the stamp changed).
    builtin test -n "$__awsswitch_auto_file" -a -n "$__awsswitch_auto_state"; or return 0
    builtin test -n "$__awsswitch_auto_stampfile"; or return 0
    set -l stamp ''
    if builtin test -f "$__awsswitch_auto_stampfile"
        read --nchars 64 stamp 2>/dev/null <$__awsswitch_auto_stampfile
    end
    if builtin test "$stamp" != "$__awsswitch_auto_stamp"
        __awsswitch_auto_run $__awsswitch_auto_state
    end
end
