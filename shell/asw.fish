# awsswitch integration for fish: the switch function, its completion, the prompt segment.
# Load it with `awsswitch init fish | source` in ~/.config/fish/config.fish. Internals are
# named __awsswitch_*; the user-facing names are the function (default `asw`),
# awsswitch_prompt and AWSSWITCH_*. Variables are set with -g, never -U. Safe to source twice.
# `awsswitch init` renders it: `# @include FILE` lines become that file of shell/fragments/
# (shared with the bash and zsh integrations and with the completion of `awsswitch`).

abbr --erase __AWSSWITCH_CMD__ >/dev/null 2>&1
complete --erase --command __AWSSWITCH_CMD__
# Marks this shell (and its children) as having the integration: `awsswitch doctor` reads it.
set -gx AWSSWITCH_SHELL fish

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
# credentials are due for a refresh, "!" when a login is needed), or nothing, and sets
# AWSSWITCH_TOKEN_STATE to fresh, refreshable or login-needed (awsswitch.sso.state's
# words) for an SSO profile (the SSO token, AWSSWITCH_TOKEN_FILE) or a profile on an
# `aws login` console session (its cached credentials, AWSSWITCH_LOGIN_FILE). Call it from
# fish_prompt or fish_right_prompt. It runs one process (`date +%s`), and only for those
# profiles.

# The states mirror awsswitch.sso.state (load_token, parse_time, classify) and
# awsswitch.login_session (classify) on the same files with builtins (`read`, `string`,
# `math`, `printf`) and one `date`. JSON is checked as json.loads reads it, and a key given
# twice counts with its last value. Where that would take a real parser, it errs towards
# login-needed (never "fresh" where Python says otherwise): a file over 64 KiB, a byte
# outside ASCII (json.dumps writes none; a BOM is one), a NUL byte, a nested object (values
# may be strings, numbers, true, false, null, NaN, Infinity or arrays of those; a console
# session has one, its credentials), a key spelled with \u escapes, or a date that holds an
# escape or has a form that Python versions read differently (see __awsswitch_epoch).
# Every function here that sees the token runs untraced (`set -l fish_trace`): with
# fish_trace set, fish would print the tokens on stderr.
# (\x5c is a backslash: fish's single quotes would eat a doubled one.)

# __awsswitch_epoch DATE: prints the epoch seconds of DATE; status 1 when parse_time would
# not read it. Accepted: optional spaces, YYYY-MM-DD, then optionally one separator (any
# character but "."), HH, :MM, :SS, a fraction (dropped: a second is nothing against 15
# minutes), and Z, z, UTC, +HH:MM, +HHMM (or -); no zone is UTC. Python's other forms (+HH,
# +HH:MM:SS, week dates, basic format, an offset minute above 59) give status 1 here.
function __awsswitch_epoch --argument-names date
    set -l fish_trace
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
# one, as json.loads keeps it): a string as written, quotes included (one line), else what
# stands up to the next `,`, `]`, `}` or space (a number, a constant, `[` and more for an
# array); status 1 without KEY.
function __awsswitch_token_value --argument-names key json
    set -l fish_trace
    set -l re '[{,][ \t\n\r]*+"'$key'"[ \t\n\r]*+:[ \t\n\r]*+(?<rest>[\s\S]*)'
    string match -rq -- $re $json; or return 1
    set -l v $rest
    # (A failed match empties `rest`.)
    while string match -rq -- $re $v
        set v $rest
    end
    string match -r -- '^(?:"(?:[^"\x5c]|\x5c.)*+"|[^,\]}\s]++)' $v; or echo -
end

# __awsswitch_token_string KEY JSON: is KEY's value a non-empty string?
function __awsswitch_token_string --argument-names key json
    set -l fish_trace
    set -l v (__awsswitch_token_value $key $json); or return 1
    # A regex: the qmark-noglob feature turns `?` off in wildcards.
    string match -rq -- '^"[^"]' $v
end

# __awsswitch_token_date KEY JSON: prints the epoch seconds of KEY's value; status 1 when
# it is not a date.
function __awsswitch_token_date --argument-names key json
    set -l fish_trace
    set -l v (__awsswitch_token_value $key $json); or return 1
    string match -rq '^"(?<text>[^"\x5c]*)"$' -- $v; or return 1
    __awsswitch_epoch $text
end

# __awsswitch_token_usable FILE: status 1 when FILE holds a NUL byte, a byte outside ASCII
# or more than 64 KiB. A cap, not the whole file: a token is a few KB, and a huge file must
# not cost seconds at every prompt.
function __awsswitch_token_usable --argument-names file
    set -l fish_trace
    # `read -z` stops at a NUL byte or the end, -n after that many characters: the first
    # read bounds the size, the second finds anything after a NUL.
    set -l head
    set -l more
    begin
        read -z -n 65537 head; and read -z -n 1 more
    end <$file; and return 1
    builtin test (string length -- "$head") -le 65536; or return 1
    # The file is small now: `string` sees a NUL (even a last one) and bytes outside ASCII.
    not string match -rq '[^\x01-\x7f]' <$file
end

# __awsswitch_json_flat JSON: status 0 when JSON is one flat object as json.loads reads it
# (strict strings, its numbers and constants; values scalars or arrays of scalars), with no
# key spelled with \u escapes and no whole number json.loads refuses.
function __awsswitch_json_flat --argument-names json
    set -l fish_trace
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
    string match -rq -- $object "$json"
    and not string match -rq -- $ukey "$json"
    and not string match -rq -- $long "$json"
end

# __awsswitch_token_state FILE: prints fresh (more than 15 minutes left), refreshable (15
# minutes or less, or expired, but a refresh can work) or login-needed (anything else).
function __awsswitch_token_state --argument-names file
    set -l fish_trace
    set -l json
    if not builtin test -f "$file" -a -r "$file"
        or not __awsswitch_token_usable $file
        echo login-needed
        return 0
    end
    set json (string collect <$file)
    if not __awsswitch_json_flat "$json"
        echo login-needed
        return 0
    end
    set -l exp
    if not __awsswitch_token_string accessToken "$json"
        or not set exp (__awsswitch_token_date expiresAt "$json")
        echo login-needed
        return 0
    end
    set -l now (command date +%s)
    if builtin test (math $exp - $now) -gt 900
        echo fresh
        return 0
    end
    for key in refreshToken clientId clientSecret
        if not __awsswitch_token_string $key "$json"
            echo login-needed
            return 0
        end
    end
    set -l reg (__awsswitch_token_date registrationExpiresAt "$json")
    if builtin test -n "$reg"; and builtin test $reg -gt $now
        echo refreshable
    else
        echo login-needed
    end
end

# __awsswitch_login_state FILE: prints the state of an `aws login` console session's cache
# file, as awsswitch.login_session.classify: fresh (the credentials have more than 5 minutes
# left), refreshable (5 minutes or less, or expired, but the refresh material is there and
# the sign-in is under 12 hours old, or undated) or login-needed (anything else).
function __awsswitch_login_state --argument-names file
    set -l fish_trace
    if not builtin test -f "$file" -a -r "$file"
        or not __awsswitch_token_usable $file
        echo login-needed
        return 0
    end
    set -l json (string collect <$file)
    # The one nested object allowed: the credentials, the value of the last top-level
    # accessToken (json.loads keeps the last). The split below only has to find it, reading
    # strings whole: the object must then be flat, and so must the file with null in its
    # place (`flat`), and no accessToken may follow it.
    set -l w '[ \t\n\r]*+'
    set -l out '(?:[^{}"]|"(?:[^"\x5c]|\x5c[\s\S])*+")*+'
    set -l pre
    set -l creds
    set -l rest
    string match -rq -- '\A(?<pre>[\s\S]*[{,]'$w'"accessToken"'$w:$w')(?<creds>\{'$out'\})(?<rest>'$out'\}'$w')\z' "$json"
    set -l flat "$pre"null"$rest"
    if not builtin test -n "$creds"
        or string match -rq -- '[{,]'$w'"accessToken"'$w: "$rest"
        or not __awsswitch_json_flat "$flat"
        or not __awsswitch_json_flat "$creds"
        echo login-needed
        return 0
    end
    # What botocore requires, then what Python reads as the credentials and their expiry.
    set -l exp
    for key in refreshToken dpopKey clientId
        if not string match -rq -- '[{,]'$w'"'$key'"'$w: "$flat"
            echo login-needed
            return 0
        end
    end
    for key in accessKeyId secretAccessKey sessionToken
        if not __awsswitch_token_string $key "$creds"
            echo login-needed
            return 0
        end
    end
    if not set exp (__awsswitch_token_date expiresAt "$creds")
        echo login-needed
        return 0
    end
    set -l now (command date +%s)
    if builtin test (math $exp - $now) -gt 300
        echo fresh
        return 0
    end
    for key in refreshToken clientId dpopKey
        if not __awsswitch_token_string $key "$flat"
            echo login-needed
            return 0
        end
    end
    # The sign-in time: `iat` of the idToken JWT. No idToken or not a string: Python has
    # none and sets no limit. An escape, other than two dots or an odd character: unsure.
    set -l id (__awsswitch_token_value idToken "$flat")
    if not string match -rq -- '^"' "$id"
        echo refreshable
        return 0
    end
    set -l claims
    if not string match -rq -- '\A"[^.\x5c]*\.(?<claims>[A-Za-z0-9_+/-]*)\.[^.\x5c]*"\z' "$id"
        or builtin test (math (string length -- "$claims") % 4) -eq 1
        echo login-needed
        return 0
    end
    # Decoding is a loop: the last claims decoded and their iat are kept (global, not
    # exported) while the file keeps the same sign-in. The claims (session ARN, iat, exp)
    # are no credential; the signature is never kept.
    if builtin test "x$claims" != "x$__awsswitch_login_memo"
        or not string match -rq -- '^(?:[0-9]{1,11}|x|-)$' "$__awsswitch_login_iat"
        set -gu __awsswitch_login_memo $claims
        set -gu __awsswitch_login_iat (__awsswitch_jwt_iat $claims)
    end
    switch $__awsswitch_login_iat
        case -
            echo refreshable
        case x
            echo login-needed
        case '*'
            # 43199, not 43200: the fractions dropped from now and iat must not tip the line.
            if builtin test (math $now - $__awsswitch_login_iat) -lt 43199
                echo refreshable
            else
                echo login-needed
            end
    end
end

# __awsswitch_jwt_iat CLAIMS: prints the `iat` of a JWT's claims (base64url or base64,
# unpadded; whole seconds), `-` when they have none, or `x` when this reader cannot be sure:
# a decoded byte outside printable ASCII, tab, LF and CR, claims that are not one flat
# object, an iat that is not a plain number of up to 11 digits.
function __awsswitch_jwt_iat --argument-names claims
    set -l fish_trace
    builtin test -n "$claims"; or begin
        echo x
        return 0
    end
    # Each character's 6 bits as two octal digits, by its character code (printf's 'C):
    # A-Z 0-25, a-z 26-51, 0-9 52-61, + or - 62, / or _ 63.
    set -l o 0 1 2 3 4 5 6 7
    set -l six 0$o 1$o 2$o 3$o 4$o 5$o 6$o 7$o
    set -l t
    set t[65..90] $six[1..26]
    set t[97..122] $six[27..52]
    set t[48..57] $six[53..62]
    set t[43 45 47 95] $six[63 63 64 64]
    set -l chars (string split '' -- "$claims")
    set -l n (count $chars)
    # Padded with A (zero bits) to whole groups of 4 characters, 24 bits, 8 octal digits:
    # printf turns each group into 6 hex digits, then only the whole bytes count (the
    # leftover bits are dropped, as binascii does).
    set chars $chars A A A
    set chars $chars[1..(math "ceil($n / 4) * 4")]
    set -l oct (string join '' $t[(printf "%d\n" "'"$chars)])
    set -l hex (printf %06x 0(string match -ra '.{8}' -- "$oct") | string sub -l (math "floor($n * 6 / 8) * 2"))
    if not string match -rq '\A(?:0[9ad]|[2-6][0-9a-f]|7[0-9a-e])*+\z' -- "$hex"
        echo x
        return 0
    end
    set -l text (string replace -ra '..' '%$0' -- "$hex" | string unescape --style=url | string collect)
    if not __awsswitch_json_flat "$text"
        echo x
        return 0
    end
    set -l iat (__awsswitch_token_value iat "$text"); or begin
        echo -
        return 0
    end
    string match -rq -- '\A(?<iat>[0-9]{1,11})(?:\.[0-9]+)?\z' "$iat"; or set iat x
    echo $iat
end

function awsswitch_prompt --description 'awsswitch prompt segment: aws:NAME (~ refresh due, ! login needed)'
    set -l fish_trace
    set -g AWSSWITCH_TOKEN_STATE
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
        set -g AWSSWITCH_TOKEN_STATE (__awsswitch_token_state "$AWSSWITCH_TOKEN_FILE")
    else if builtin test -n "$AWSSWITCH_LOGIN_FILE"
        set -g AWSSWITCH_TOKEN_STATE (__awsswitch_login_state "$AWSSWITCH_LOGIN_FILE")
    end
    switch "$AWSSWITCH_TOKEN_STATE"
        case refreshable
            set mark '~'
        case login-needed
            set mark '!'
    end
# @if auto
    # --auto: "@dir" when a directory's .awsprofile chose the profile.
    string match -q -- 'dir:*' "$AWSSWITCH_PROFILE_SOURCE"; and set mark "$mark@dir"
# @endif
    builtin printf 'aws:%s%s' "$name" "$mark"
end

# @if auto
# ---------------------------------------------------------------------------------------
# Per-directory profiles (--auto): the nearest .awsprofile that `awsswitch allow` trusted
# picks the profile; leaving its tree brings back the one from before. Looked for when $PWD
# changes (so `cd dir; and aws ...` already runs with it) and before each prompt, with no
# process (shell/fragments/auto.fish).

# @include fragments/auto.fish

# The hook's switches go through the switch function: one way to run the core and eval.
function __awsswitch_auto_call
    __AWSSWITCH_CMD__ --auto $argv
    return 0
end

# @endif
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
# Completion of profile names, without starting Python (shell/fragments/names.*).

# @string __awsswitch_awk fragments/names.awk
# @include fragments/names.fish
# Regions offered after -r/--region (a static list: no network, no process).
# @words __awsswitch_regions fragments/regions.txt

complete --command __AWSSWITCH_CMD__ --no-files --arguments '(__awsswitch_names profiles (commandline -ct))'
complete --command __AWSSWITCH_CMD__ --arguments - --description 'Previous profile'
complete --command __AWSSWITCH_CMD__ --short-option u --long-option unset --description 'Leave every profile'
complete --command __AWSSWITCH_CMD__ --short-option r --long-option region --exclusive --arguments '$__awsswitch_regions' --description 'Region override'
complete --command __AWSSWITCH_CMD__ --long-option no-login --description 'Switch without touching the SSO token'
complete --command __AWSSWITCH_CMD__ --short-option l --long-option list --description 'List profiles (awsswitch list)'
complete --command __AWSSWITCH_CMD__ --short-option h --long-option help --description 'Show help'

# @if cli
# Completion of the awsswitch command itself: its folder in the package this integration
# comes from goes on fish_complete_path, after the user's own completions (fish finds no
# share/ folder of a pipx, venv or --user install); fish reads awsswitch.fish there on the
# first TAB after `awsswitch`.
if not contains -- __AWSSWITCH_CLI__ $fish_complete_path
    set -l __awsswitch_i (contains -i -- $__fish_config_dir/completions $fish_complete_path)
    if set -q __awsswitch_i[1]
        set -g fish_complete_path $fish_complete_path[1..$__awsswitch_i] __AWSSWITCH_CLI__ $fish_complete_path[(math $__awsswitch_i + 1)..-1]
    else
        set -g fish_complete_path __AWSSWITCH_CLI__ $fish_complete_path
    end
end
# @endif

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
