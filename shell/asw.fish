# awsswitch integration for fish: the switch function, its completion, the prompt segment.
# Load it with `awsswitch init fish | source` in ~/.config/fish/config.fish. Internals are
# named __awsswitch_*; the user-facing names are the function (default `asw`),
# awsswitch_prompt and AWSSWITCH_*. Variables are set with -g, never -U. Safe to source twice.

abbr --erase __AWSSWITCH_CMD__ >/dev/null 2>&1
complete --erase --command __AWSSWITCH_CMD__

# The switch: run the core, evaluate what it prints only when it succeeds.
# stdout of the core is shell code and nothing else; its messages go to stderr.
function __AWSSWITCH_CMD__ --description 'Switch AWS profile (awsswitch)'
    switch "$argv[1]"
        case -l --list
            command __AWSSWITCH_EXE__ list $argv[2..-1]
            return $status
    end
    set -l __awsswitch_code (command __AWSSWITCH_EXE__ _asw fish --cmd=__AWSSWITCH_CMD__ $argv | string collect)
    set -l __awsswitch_status $pipestatus[1]
    if builtin test "$__awsswitch_status" -eq 0; and builtin test -n "$__awsswitch_code"
        builtin eval $__awsswitch_code
    end
    return $__awsswitch_status
end

# ---------------------------------------------------------------------------------------
# Prompt: awsswitch_prompt prints the segment ("aws:home.poweruser", "~" appended when the
# SSO token is due for a refresh, "!" when a login is needed), or nothing. Call it from
# fish_prompt or fish_right_prompt. It runs one process (`date +%s`), and only when the
# active profile is an SSO profile.

# The token state mirrors awsswitch.sso.state (load_token, parse_time, classify) on the
# same file with builtins (`string`, `math`) and one `date`. JSON is checked as json.loads
# reads it, and a key given twice counts with its last value. Where that would take a real
# parser, it errs towards login (never "fresh" where Python says login): a byte outside
# ASCII (json.dumps writes none; a BOM is one), a NUL byte, a nested object (values may be
# strings, numbers, true, false, null, NaN, Infinity or arrays of those), a key spelled
# with \u escapes, or a date that holds an escape or has a form that Python versions read
# differently (see __awsswitch_epoch) all mean login here.
# (\x5c is a backslash: fish's single quotes would eat a doubled one.)

# __awsswitch_epoch DATE: prints the epoch seconds of DATE; status 1 when parse_time would
# not read it. Accepted: optional spaces, YYYY-MM-DD, then optionally one separator (any
# character but "."), HH, :MM, :SS, a fraction (dropped: a second is nothing against 15
# minutes), and Z, z, UTC, +HH:MM, +HHMM (or -); no zone is UTC. Python's other forms (+HH,
# +HH:MM:SS, week dates, basic format, an offset minute above 59) give status 1 here.
function __awsswitch_epoch --argument-names date
    string match -rq '^ *(?<y>[0-9]{4})-(?<mo>[0-9]{2})-(?<d>[0-9]{2})(?:[^.](?<hh>[0-9]{2})(?::(?<mi>[0-9]{2})(?::(?<ss>[0-9]{2}))?)?(?:\.[0-9]+)?(?:Z|z|UTC|(?<sign>[+-])(?<oh>[0-9]{2}):?(?<om>[0-9]{2}))?)? *$' -- $date
    or return 1
    # A part that is not there is 0.
    for v in hh mi ss oh om
        count $$v >/dev/null; or set $v 0
    end
    # Python's ranges: a real calendar date in years 1-9999, 23:59:59, offsets under 24h.
    set -l dim 31
    switch $mo
        case 04 06 09 11
            set dim 30
        case 02
            set dim 28
            set -l c100 (math $y % 100)
            if builtin test (math $y % 4) -eq 0 -a \( $c100 -ne 0 -o (math $y % 400) -eq 0 \)
                set dim 29
            end
    end
    builtin test $y -ge 1 -a $mo -ge 1 -a $mo -le 12 -a $d -ge 1 -a $d -le $dim
    and builtin test $hh -le 23 -a $mi -le 59 -a $ss -le 59 -a $oh -le 23 -a $om -le 59
    or return 1
    set -l off (math $oh '*' 3600 + $om '*' 60)
    builtin test "$sign" = -; and set off (math -1 '*' $off)
    # Days from the civil date (H. Hinnant's algorithm); the year starts in March.
    set -l mp (math $mo - 3)
    if builtin test $mo -le 2
        set y (math $y - 1)
        set mp (math $mo + 9)
    end
    set -l era (math "floor($y / 400)")
    set -l yoe (math "$y - $era * 400")
    set -l doy (math "floor((153 * $mp + 2) / 5) + $d - 1")
    set -l doe (math "$yoe * 365 + floor($yoe / 4) - floor($yoe / 100) + $doy")
    set -l e (math "($era * 146097 + $doe - 719468) * 86400 + $hh * 3600 + $mi * 60 + $ss - $off")
    # In UTC it must stay within 0001-01-01 and 9999-12-31 (astimezone's range).
    builtin test $e -ge -62135596800 -a $e -le 253402300799; or return 1
    echo $e
end

# __awsswitch_token_value KEY JSON: prints the value of the top-level KEY of JSON (the last
# one, as json.loads keeps it) when it is a string (as written, quotes included: one line),
# else `-`; status 1 without KEY.
function __awsswitch_token_value --argument-names key json
    set -l re '[{,][ \t\n\r]*+"'$key'"[ \t\n\r]*+:[ \t\n\r]*+(?<rest>[\s\S]*)'
    string match -rq -- $re $json; or return 1
    set -l v $rest
    # (A failed match empties `rest`.)
    while string match -rq -- $re $v
        set v $rest
    end
    string match -r -- '^"(?:[^"\x5c]|\x5c.)*+"' $v; or echo -
end

# __awsswitch_token_string KEY JSON: is KEY's value a non-empty string?
function __awsswitch_token_string --argument-names key json
    set -l v (__awsswitch_token_value $key $json); or return 1
    string match -q -- '"?*' $v; and builtin test "$v" != '""'
end

# __awsswitch_token_date KEY JSON: prints the epoch seconds of KEY's value; status 1 when
# it is not a date.
function __awsswitch_token_date --argument-names key json
    set -l v (__awsswitch_token_value $key $json); or return 1
    string match -rq '^"(?<text>[^"\x5c]*)"$' -- $v; or return 1
    __awsswitch_epoch $text
end

# __awsswitch_token_state FILE: prints fresh (more than 15 minutes left), refresh (15
# minutes or less, or expired, but refreshable) or login (anything else).
function __awsswitch_token_state --argument-names file
    if not builtin test -f "$file" -a -r "$file"
        echo login
        return 0
    end
    # Read as input (not captured), a NUL byte stays visible.
    if string match -rq '[^\x01-\x7f]' <$file
        echo login
        return 0
    end
    set -l json (string collect <$file)
    # One JSON object as json.loads reads it (strict strings, its numbers and constants).
    set -l w '[ \t\n\r]*+'
    set -l s '"(?:[^"\x5c\x00-\x1f]|\x5c(?:["\x5c/bfnrt]|u[0-9a-fA-F]{4}))*+"'
    set -l n '-?(?:0|[1-9][0-9]*+)(?:\.[0-9]++)?(?:[eE][-+]?[0-9]++)?'
    set -l sc '(?:'$s'|'$n'|true|false|null|NaN|-?Infinity)'
    set -l pair $s$w:$w'(?:'$sc'|\['$w'(?:'$sc'(?:'$w,$w$sc')*+)?'$w'\])'
    set -l object '\A'$w'\{'$w'(?:'$pair'(?:'$w,$w$pair')*+)?'$w'\}'$w'\z'
    # Then a `{` or `,`, a string and a colon is a key: one spelled with \u escapes could be
    # one of ours. And json.loads refuses a whole number of more than 4,300 digits.
    set -l ukey '[{,]'$w'"[a-zA-Z]*+\x5cu[0-9a-fA-F]{4}(?:[a-zA-Z]|\x5cu[0-9a-fA-F]{4})*+"'$w:
    set -l long '[:,\[]'$w'-?[1-9][0-9]{4300,}+(?![.0-9eE])'
    if not string match -rq -- $object "$json"
        or string match -rq -- $ukey "$json"
        or string match -rq -- $long "$json"
        echo login
        return 0
    end
    set -l exp
    if not __awsswitch_token_string accessToken "$json"
        or not set exp (__awsswitch_token_date expiresAt "$json")
        echo login
        return 0
    end
    set -l now (command date +%s)
    if builtin test (math $exp - $now) -gt 900
        echo fresh
        return 0
    end
    for key in refreshToken clientId clientSecret
        if not __awsswitch_token_string $key "$json"
            echo login
            return 0
        end
    end
    set -l reg (__awsswitch_token_date registrationExpiresAt "$json")
    if builtin test -n "$reg"; and builtin test $reg -gt $now
        echo refresh
    else
        echo login
    end
end

function awsswitch_prompt --description 'awsswitch prompt segment: aws:NAME (~ refresh due, ! login needed)'
    builtin test -n "$AWS_PROFILE"; or return 0
    if builtin test "$AWS_PROFILE" != "$AWSSWITCH_PROFILE"
        # Set by hand (or by another tool): show it as it is, without a token state.
        builtin printf 'aws:%s' "$AWS_PROFILE"
        return 0
    end
    set -l name "$AWSSWITCH_SHORT"
    builtin test -n "$name"; or set name "$AWS_PROFILE"
    set -l mark ''
    if builtin test -n "$AWSSWITCH_TOKEN_FILE"
        switch (__awsswitch_token_state "$AWSSWITCH_TOKEN_FILE")
            case refresh
                set mark '~'
            case login
                set mark '!'
        end
    end
    builtin printf 'aws:%s%s' "$name" "$mark"
end

# Hands a status back to the next command (fish has no other way to set $status).
function __awsswitch_return
    return $argv[1]
end

# @if prompt
# --prompt: wrap the current fish_prompt once; the wrapped prompt still sees $status.
if not functions -q __awsswitch_orig_fish_prompt
    if functions -q fish_prompt
        functions -c fish_prompt __awsswitch_orig_fish_prompt
    else
        function __awsswitch_orig_fish_prompt
            builtin printf '%s> ' (prompt_pwd)
        end
    end
    function fish_prompt --description 'awsswitch segment, then the previous fish_prompt'
        set -l __awsswitch_last $status
        set -l __awsswitch_segment (awsswitch_prompt)
        if builtin test -n "$__awsswitch_segment"
            builtin printf '(%s) ' "$__awsswitch_segment"
        end
        __awsswitch_return $__awsswitch_last
        __awsswitch_orig_fish_prompt
    end
end
# @endif

# ---------------------------------------------------------------------------------------
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
set -g __awsswitch_awk '
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
            and __awsswitch_names_fresh $file (string sub -s 2 -- $h[5])
            and __awsswitch_names_fresh $file (string sub -s 2 -- $h[6])
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
    LC_ALL=C command awk -v kind=$kind -v all=1 $__awsswitch_awk "$prefix" cfg=1 $config cfg=0 $creds 2>/dev/null
end

# Regions offered after -r/--region (a static list: no network, no process).
function __awsswitch_regions
    printf '%s\n' us-east-1 us-east-2 us-west-1 us-west-2 af-south-1 ap-east-1 \
        ap-south-1 ap-south-2 ap-southeast-1 ap-southeast-2 ap-southeast-3 ap-southeast-4 \
        ap-southeast-5 ap-northeast-1 ap-northeast-2 ap-northeast-3 ca-central-1 ca-west-1 \
        eu-central-1 eu-central-2 eu-west-1 eu-west-2 eu-west-3 eu-south-1 eu-south-2 \
        eu-north-1 il-central-1 me-south-1 me-central-1 mx-central-1 sa-east-1 \
        us-gov-east-1 us-gov-west-1 cn-north-1 cn-northwest-1
end

complete --command __AWSSWITCH_CMD__ --no-files --arguments '(__awsswitch_names profiles (commandline -ct))'
complete --command __AWSSWITCH_CMD__ --arguments - --description 'Previous profile'
complete --command __AWSSWITCH_CMD__ --short-option u --long-option unset --description 'Leave every profile'
complete --command __AWSSWITCH_CMD__ --short-option r --long-option region --exclusive --arguments '(__awsswitch_regions)' --description 'Region override'
complete --command __AWSSWITCH_CMD__ --long-option no-login --description 'Switch without touching the SSO token'
complete --command __AWSSWITCH_CMD__ --short-option l --long-option list --description 'List profiles (awsswitch list)'
complete --command __AWSSWITCH_CMD__ --short-option h --long-option help --description 'Show help'

# ---------------------------------------------------------------------------------------
# Aliases (--aliases): one function per profile, skipped when the name is already a
# command, builtin or function that awsswitch did not define.
function __awsswitch_alias --argument-names name
    set -l args $argv[2..-1]
    if type -q -- $name
        contains -- $name $__awsswitch_alias_names; or return 0
    end
    function $name --inherit-variable args --description 'awsswitch alias'
        __AWSSWITCH_CMD__ $args $argv
    end
    contains -- $name $__awsswitch_alias_names; or set -g __awsswitch_alias_names $__awsswitch_alias_names $name
end
# @aliases
true
