# Profile and sso-session names for completion, without starting Python. Part of the fish
# integration (`awsswitch init fish` splices it in) and of the completion of the awsswitch
# command, which sources it when that integration is not loaded.
# It reads the names file that awsswitch keeps in its cache folder when that file is newer
# than the config files (no process at all), else runs the awk program of names.awk (held in
# __awsswitch_awk) over the config and credentials files.

# __awsswitch_names_fresh NAMESFILE [+-]PATH: is the names file still valid for PATH?
function __awsswitch_names_fresh --argument-names file spec
    set -l p (string sub -s 2 -- $spec)
    switch (string sub -l 1 -- $spec)
        case +
            builtin test -e "$p" -a "$file" -nt "$p"
        case -
            not builtin test -e "$p"
        case '*'
            return 1
    end
end

# __awsswitch_names KIND [PREFIX]: prints the profile names (full and short) for
# KIND=profiles, the sso-session names for KIND=sessions, one per line: those starting
# with PREFIX when there are any (fish then has fewer to sort), else all of them (fish
# matches them its own fuzzy way).
function __awsswitch_names --argument-names kind prefix
    builtin test -n "$kind"; or set kind profiles
    set -l cache "$AWSSWITCH_CACHE_DIR"
    if builtin test -z "$cache"
        set cache "$XDG_CACHE_HOME"
        builtin test -n "$cache"; or set cache "$HOME/.cache"
        set cache "$cache/awsswitch"
    end
    set -l file "$cache/names"
    # Only a file of ours is trusted.
    if builtin test -f "$file" -a -r "$file" -a -O "$file"
        # Header (awsswitch/config/names.py writes it): magic, raw AWS_CONFIG_FILE, raw
        # AWS_SHARED_CREDENTIALS_FILE, HOME, then the two resolved paths, each prefixed with
        # + (existed when written) or - (did not).
        read -L h1 h2 h3 h4 h5 h6 <$file
        set -l h $h1 $h2 $h3 $h4 $h5 $h6
        if builtin test (count $h) -eq 6
            and builtin test "$h[1]" = "#awsswitch-names 2"
            and builtin test "$h[2]" = "#$AWS_CONFIG_FILE"
            and builtin test "$h[3]" = "#$AWS_SHARED_CREDENTIALS_FILE"
            and builtin test "$h[4]" = "#$HOME"
            and __awsswitch_names_fresh $file (string sub -s 2 -- $h[5])
            and __awsswitch_names_fresh $file (string sub -s 2 -- $h[6])
            set -l tag '^[ps]'
            builtin test "$kind" = sessions; and set tag '^S'
            if builtin test -n "$prefix"
                set -l found (string replace -rf $tag'(?='(string escape --style=regex -- $prefix)')' '' <$file)
                if set -q found[1]
                    builtin printf '%s\n' $found
                    return 0
                end
            end
            string replace -rf $tag '' <$file
            return 0
        end
    end
    # Stale or missing: parse the config files (awk filters by PREFIX the same way; LC_ALL=C
    # makes it compare bytes and keeps gawk fast in a UTF-8 locale).
    set -l config "$AWS_CONFIG_FILE"
    builtin test -n "$config"; or set config "$HOME/.aws/config"
    set -l creds "$AWS_SHARED_CREDENTIALS_FILE"
    builtin test -n "$creds"; or set creds "$HOME/.aws/credentials"
    # botocore expands a leading ~ (against HOME) in both variables.
    string match -q -- '~/*' $config; and set config "$HOME"(string sub -s 2 -- $config)
    string match -q -- '~/*' $creds; and set creds "$HOME"(string sub -s 2 -- $creds)
    builtin test -f "$config" -a -r "$config"; or set config /dev/null
    builtin test -f "$creds" -a -r "$creds"; or set creds /dev/null
    string match -q -- '/*' $config; or set config ./$config
    string match -q -- '/*' $creds; or set creds ./$creds
    LC_ALL=C command awk -v kind=$kind -v all=1 "$__awsswitch_awk" "$prefix" cfg=1 $config cfg=0 $creds 2>/dev/null
end
