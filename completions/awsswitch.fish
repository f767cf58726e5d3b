# fish completion for awsswitch, installed as share/fish/vendor_completions.d/awsswitch.fish
# (fish loads it the first time you press TAB after `awsswitch`). Profile and sso-session
# names come from the names file the switch core keeps, or from the config files parsed in
# the shell: no Python process per TAB.

# Completion of profile names, without starting Python: read the names file that awsswitch
# keeps in its cache folder when it is newer than the config files (no process at all),
# else parse the [profile X] / [default] sections and the credentials file's [X] sections
# with one awk (botocore's rules for the common cases; quoting beyond "..." and '...' is
# left to the names file).

# The awk parser (no quote or backslash inside, so every shell can hold it verbatim). Its
# first operand is the typed prefix: an operand, not -v, so awk processes no escape in it;
# it is compared as text, never as a regex (ignoring ASCII case given -v fold=1). It
# prints the names that start with it or, given -v all=1, every name when none does (zsh
# and fish then match their own way).
# Only a line with a [ can be a section header, and a plain [profile NAME] line costs one
# regex match: a TAB on 10,000 profiles stays a few milliseconds of awk.
set -g __awsswitch_cli_awk '
function trim(s) { sub(LEAD, "", s); sub(TRAIL, "", s); return s }
function word(s,    q, n, inner) {
    s = trim(s); n = length(s); q = substr(s, 1, 1)
    if (n >= 2 && (q == DQ || q == SQ) && substr(s, n, 1) == q) {
        inner = substr(s, 2, n - 2)
        if (index(inner, q) || (q == DQ && index(inner, BS))) return ""
        return inner
    }
    if (s ~ BLANK || index(s, DQ) || index(s, SQ) || index(s, BS)) return ""
    return s
}
function starts(s) { s = substr(s, 1, plen); return (fold ? tolower(s) : s) == prefix }
function add(n) {
    if (n == "" || n in seen) return
    seen[n] = 1
    if (starts(n)) { print n; shown++ }
    if (kind != "sessions") short(n)
}
function short(n,    d, c) {
    if (!(d = index(n, "."))) return
    c = substr(n, d + 1)
    if (index(c, ".") && starts(c) && !uses[c]++) cands[++ncand] = c
}
function shorts(    i, c) {
    for (i = 1; i <= ncand; i++) {
        c = cands[i]
        if (uses[c] == 1 && !(c in seen)) { print c; shown++ }
    }
}
BEGIN {
    DQ = sprintf("%c", 34); SQ = sprintf("%c", 39); BS = sprintf("%c", 92)
    WS = " " sprintf("%c%c%c%c%c", 9, 10, 11, 12, 13)
    LEAD = "^[" WS "]+"; TRAIL = "[" WS "]+$"; BLANK = "[" WS "]"
    PROFILE = "^profile" BLANK; SESSION = "^sso-session" BLANK
    KEY = (kind == "sessions") ? "sso-session " : "profile "
    FAST = "^[[]" KEY "[^][" WS DQ SQ "]+[]]$"; START = length(KEY) + 2
    prefix = ARGV[1]; ARGV[1] = ""; plen = length(prefix)
    if (fold) prefix = tolower(prefix)
}
!index($0, "[") { next }
cfg && $0 ~ FAST && !index($0, BS) { add(substr($0, START, length($0) - START)); next }
{
    line = trim($0)
    if (substr(line, 1, 1) != "[") next
    for (end = length(line); end > 1; end--) if (substr(line, end, 1) == "]") break
    if (end <= 1) next
    head = substr(line, 2, end - 2)
    if (cfg) {
        if (kind == "sessions") {
            if (head ~ SESSION) add(word(substr(head, 12)))
        } else if (head == "default") {
            add(head)
        } else if (head ~ PROFILE) {
            add(word(substr(head, 8)))
        }
    } else if (kind != "sessions" && head != "DEFAULT") {
        add(head)
    }
}
END {
    shorts()
    if (shown || !all) exit
    prefix = ""; plen = 0; ncand = 0; split("", uses)
    for (n in seen) { print n; if (kind != "sessions") short(n) }
    shorts()
}
'

# __awsswitch_cli_names_fresh NAMESFILE [+-]PATH: is the names file still valid for PATH?
function __awsswitch_cli_names_fresh --argument-names file spec
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

# __awsswitch_cli_names KIND [PREFIX]: prints the profile names (full and short) for
# KIND=profiles, the sso-session names for KIND=sessions, one per line: those starting
# with PREFIX when there are any (fish then has fewer to sort), else all of them (fish
# matches them its own fuzzy way).
function __awsswitch_cli_names --argument-names kind prefix
    builtin test -n "$kind"; or set kind profiles
    set -l cache "$AWSSWITCH_CACHE_DIR"
    if builtin test -z "$cache"
        set cache "$XDG_CACHE_HOME"
        builtin test -n "$cache"; or set cache "$HOME/.cache"
        set cache "$cache/awsswitch"
    end
    set -l file "$cache/names"
    if builtin test -f "$file" -a -r "$file"
        # Header: magic, raw AWS_CONFIG_FILE, raw AWS_SHARED_CREDENTIALS_FILE, HOME, then
        # the two resolved paths, each prefixed with + (existed when written) or - (did not).
        read -L h1 h2 h3 h4 h5 h6 < $file
        set -l h $h1 $h2 $h3 $h4 $h5 $h6
        if builtin test (count $h) -eq 6
            and builtin test "$h[1]" = "#awsswitch-names 2"
            and builtin test "$h[2]" = "#$AWS_CONFIG_FILE"
            and builtin test "$h[3]" = "#$AWS_SHARED_CREDENTIALS_FILE"
            and builtin test "$h[4]" = "#$HOME"
            and __awsswitch_cli_names_fresh $file (string sub -s 2 -- $h[5])
            and __awsswitch_cli_names_fresh $file (string sub -s 2 -- $h[6])
            set -l tag '^[ps]'
            builtin test "$kind" = sessions; and set tag '^S'
            if builtin test -n "$prefix"
                set -l found (string replace -rf $tag'(?='(string escape --style=regex -- $prefix)')' '' < $file)
                if set -q found[1]
                    builtin printf '%s\n' $found
                    return 0
                end
            end
            string replace -rf $tag '' < $file
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
    set config (string replace -r '^~/' "$HOME/" -- $config)
    set creds (string replace -r '^~/' "$HOME/" -- $creds)
    builtin test -f "$config" -a -r "$config"; or set config /dev/null
    builtin test -f "$creds" -a -r "$creds"; or set creds /dev/null
    string match -q -- '/*' $config; or set config ./$config
    string match -q -- '/*' $creds; or set creds ./$creds
    LC_ALL=C command awk -v kind=$kind -v all=1 $__awsswitch_cli_awk "$prefix" cfg=1 $config cfg=0 $creds 2>/dev/null
end

function __awsswitch_cli_regions
    printf '%s\n' us-east-1 us-east-2 us-west-1 us-west-2 af-south-1 ap-east-1 \
        ap-south-1 ap-south-2 ap-southeast-1 ap-southeast-2 ap-southeast-3 ap-southeast-4 \
        ap-southeast-5 ap-northeast-1 ap-northeast-2 ap-northeast-3 ca-central-1 ca-west-1 \
        eu-central-1 eu-central-2 eu-west-1 eu-west-2 eu-west-3 eu-south-1 eu-south-2 \
        eu-north-1 il-central-1 me-south-1 me-central-1 mx-central-1 sa-east-1 \
        us-gov-east-1 us-gov-west-1 cn-north-1 cn-northwest-1
end

# True when the command line is `awsswitch configure SUB ...`.
function __awsswitch_cli_configure_sub --argument-names sub
    set -l words (commandline -opc)
    builtin test (count $words) -ge 3; and builtin test "$words[2]" = configure; and builtin test "$words[3]" = "$sub"
end

set -l commands init configure list status login logout sync demo

complete -c awsswitch -f
complete -c awsswitch -n "not __fish_seen_subcommand_from $commands" -s V -l version -d 'Print the version and exit'
complete -c awsswitch -s h -l help -d 'Show help and exit'

complete -c awsswitch -n "not __fish_seen_subcommand_from $commands" -a init -d 'Print the shell integration'
complete -c awsswitch -n "not __fish_seen_subcommand_from $commands" -a configure -d 'Create or update [sso-session] and [profile] sections'
complete -c awsswitch -n "not __fish_seen_subcommand_from $commands" -a list -d 'List every profile'
complete -c awsswitch -n "not __fish_seen_subcommand_from $commands" -a status -d 'Show the active profile and its SSO token'
complete -c awsswitch -n "not __fish_seen_subcommand_from $commands" -a login -d 'Make an SSO session token fresh'
complete -c awsswitch -n "not __fish_seen_subcommand_from $commands" -a logout -d 'End an SSO session'
complete -c awsswitch -n "not __fish_seen_subcommand_from $commands" -a sync -d 'Generate a profile for every account and role'
complete -c awsswitch -n "not __fish_seen_subcommand_from $commands" -a demo -d 'Sandboxed shell with a local Identity Center stand-in'

# init / demo
complete -c awsswitch -n '__fish_seen_subcommand_from init demo' -a 'bash zsh fish' -d Shell
complete -c awsswitch -n '__fish_seen_subcommand_from init' -l cmd -x -d 'Name of the switch function'
complete -c awsswitch -n '__fish_seen_subcommand_from init' -l aliases -d 'One alias per profile (--aliases=PREFIX)'
complete -c awsswitch -n '__fish_seen_subcommand_from init' -l prompt -d 'Also install the prompt segment'

# configure
complete -c awsswitch -n '__fish_seen_subcommand_from configure; and not __fish_seen_subcommand_from sso-session profile' -a sso-session -d 'Create or update [sso-session NAME]'
complete -c awsswitch -n '__fish_seen_subcommand_from configure; and not __fish_seen_subcommand_from sso-session profile' -a profile -d 'Create or update [profile NAME]'
complete -c awsswitch -n '__awsswitch_cli_configure_sub sso-session' -a '(__awsswitch_cli_names sessions (commandline -ct))' -d sso-session
complete -c awsswitch -n '__awsswitch_cli_configure_sub sso-session' -l start-url -x -d 'SSO start URL'
complete -c awsswitch -n '__awsswitch_cli_configure_sub sso-session' -l region -x -a '(__awsswitch_cli_regions)' -d 'Region of the IAM Identity Center'
complete -c awsswitch -n '__awsswitch_cli_configure_sub sso-session' -l scopes -x -d 'Registration scopes'
complete -c awsswitch -n '__awsswitch_cli_configure_sub profile' -a '(__awsswitch_cli_names profiles (commandline -ct))' -d Profile
complete -c awsswitch -n '__awsswitch_cli_configure_sub profile' -l sso-session -x -a '(__awsswitch_cli_names sessions (commandline -ct))' -d 'The sso-session it uses'
complete -c awsswitch -n '__awsswitch_cli_configure_sub profile' -l account-id -x -d '12-digit AWS account id'
complete -c awsswitch -n '__awsswitch_cli_configure_sub profile' -l role-name -x -d 'Permission set (role) name'
complete -c awsswitch -n '__awsswitch_cli_configure_sub profile' -l region -x -a '(__awsswitch_cli_regions)' -d 'Default region'
complete -c awsswitch -n '__awsswitch_cli_configure_sub profile' -l output -x -a 'json yaml yaml-stream text table' -d 'Default output format'

# list / status
complete -c awsswitch -n '__fish_seen_subcommand_from list' -l json -d 'Machine-readable output'
complete -c awsswitch -n '__fish_seen_subcommand_from status' -a '(__awsswitch_cli_names profiles (commandline -ct))' -d Profile
complete -c awsswitch -n '__fish_seen_subcommand_from status' -l verify -d 'Ask STS who you are'

# login / logout
complete -c awsswitch -n '__fish_seen_subcommand_from login' -a '(__awsswitch_cli_names profiles (commandline -ct))' -d Profile
complete -c awsswitch -n '__fish_seen_subcommand_from login logout' -l sso-session -x -a '(__awsswitch_cli_names sessions (commandline -ct))' -d sso-session
complete -c awsswitch -n '__fish_seen_subcommand_from login' -l force -d 'Log in even if the token is fresh'
complete -c awsswitch -n '__fish_seen_subcommand_from login' -l native -d 'Use the built-in device flow'
complete -c awsswitch -n '__fish_seen_subcommand_from login' -l no-browser -d 'Print the URL and code only'

# sync
complete -c awsswitch -n '__fish_seen_subcommand_from sync' -a '(__awsswitch_cli_names sessions (commandline -ct))' -d sso-session
complete -c awsswitch -n '__fish_seen_subcommand_from sync' -l template -x -d 'Profile name template'
complete -c awsswitch -n '__fish_seen_subcommand_from sync' -l dry-run -d 'Print a diff, write nothing'
complete -c awsswitch -n '__fish_seen_subcommand_from sync' -l prune -d 'Remove generated profiles whose role is gone'
complete -c awsswitch -n '__fish_seen_subcommand_from sync' -l region -x -a '(__awsswitch_cli_regions)' -d 'region = for generated profiles'
complete -c awsswitch -n '__fish_seen_subcommand_from sync' -s y -l yes -d 'Do not ask for confirmation'
complete -c awsswitch -n '__fish_seen_subcommand_from sync' -l concurrency -x -d 'Portal calls in flight at most'
complete -c awsswitch -n '__fish_seen_subcommand_from sync' -l max-rate -x -d 'Portal requests per second per session'
