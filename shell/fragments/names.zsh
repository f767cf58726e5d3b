# Profile and sso-session names for completion, without starting Python. Part of the zsh
# integration (`awsswitch init zsh` splices it in) and of the completion of the awsswitch
# command, which sources it when that integration is not loaded.
# It reads the names file that awsswitch keeps in its cache folder when that file is newer
# than the config files (no process at all), else runs the awk program of names.awk (held in
# __awsswitch_awk) over the config and credentials files.

# __awsswitch_names KIND [PREFIX]: sets reply to the profile names (full and short) for
# KIND=profiles, the sso-session names for KIND=sessions: those that start with PREFIX
# (ignoring case) when there are any, else all of them, for compadd to match its own way
# (matcher-list, _approximate). The names file is read once and kept in memory until it
# changes (mtime, inode, size: the zstat builtin, no process), so a TAB costs one pattern
# match over the names instead of reading and splitting the whole file again.
__awsswitch_names() {
    \builtin emulate -L zsh -o extended_glob
    reply=()
    \builtin local kind="${1:-profiles}" prefix="${2-}" file config creds key="" line pat
    \builtin local tag='[ps]'
    \builtin local -a head
    \builtin local -A st
    file=${AWSSWITCH_CACHE_DIR:-${XDG_CACHE_HOME:-${HOME-}/.cache}/awsswitch}/names
    # Only a file of ours that no one else may write is trusted.
    if [[ -f $file && -r $file && -O $file ]]; then
        if \builtin zmodload -F zsh/stat b:zstat 2>/dev/null &&
            \builtin zstat -H st -F '%s.%N' -- $file 2>/dev/null; then
            # (-F shows the mode as text: -rw-------; 6 and 9 are the group's and others' w.)
            [[ ${st[mode][6]} != w && ${st[mode][9]} != w ]] || file=
            key="$st[mtime] $st[inode] $st[size] $st[device] $file"
        fi
        if [[ -z $file ]]; then
            :
        elif [[ -n $key && $key == "${__awsswitch_names_key-}" ]]; then
            head=("${(@)__awsswitch_names_lines[1,6]}")
        else
            # Only the header until it proves the file usable: a stale one is not read whole.
            while (( $#head < 6 )) && IFS= \builtin read -r line; do
                head+=("$line")
            done <$file
        fi
    fi
    # Header (awsswitch/config/names.py writes it): magic, raw AWS_CONFIG_FILE, raw
    # AWS_SHARED_CREDENTIALS_FILE, HOME, then the two resolved paths, each prefixed with +
    # (existed when written) or - (did not).
    if (( $#head == 6 )) && [[ $head[1] == "#awsswitch-names 2" &&
        $head[2] == "#${AWS_CONFIG_FILE-}" &&
        $head[3] == "#${AWS_SHARED_CREDENTIALS_FILE-}" &&
        $head[4] == "#${HOME-}" ]] &&
        __awsswitch_names_fresh $file ${head[5][2,-1]} &&
        __awsswitch_names_fresh $file ${head[6][2,-1]}; then
        if [[ -z $key || $key != "${__awsswitch_names_key-}" ]]; then
            \builtin typeset -ga __awsswitch_names_lines
            \builtin typeset -g __awsswitch_names_key=$key
            __awsswitch_names_lines=("${(@f)$(<$file)}")
            # Replaced since its header was read, by a file for other config files: the
            # config files are parsed this time.
            if [[ ${(pj:\n:)__awsswitch_names_lines[1,6]} != "${(pj:\n:)head}" ]]; then
                __awsswitch_names_key=-
                head=()
            fi
        fi
        if (( $#head )); then
            # Each line keeps its tag (p, s or S) until matched; header lines never match.
            [[ $kind == sessions ]] && tag=S
            pat="${tag}(#i)${(b)prefix}*"
            reply=("${(@)${(@M)__awsswitch_names_lines:#${~pat}}#?}")
            (( $#reply )) || reply=("${(@)${(@M)__awsswitch_names_lines:#${~tag}*}#?}")
            \builtin return 0
        fi
    fi
    # Stale or missing: parse the config files (awk filters by PREFIX the same way; LC_ALL=C
    # makes it compare bytes and keeps gawk fast in a UTF-8 locale).
    config=${AWS_CONFIG_FILE:-${HOME-}/.aws/config}
    creds=${AWS_SHARED_CREDENTIALS_FILE:-${HOME-}/.aws/credentials}
    # botocore expands a leading ~ (against HOME) in both variables.
    [[ $config == \~/* ]] && config=${HOME-}${config[2,-1]}
    [[ $creds == \~/* ]] && creds=${HOME-}${creds[2,-1]}
    [[ -f $config && -r $config ]] || config=/dev/null
    [[ -f $creds && -r $creds ]] || creds=/dev/null
    [[ $config == /* ]] || config=./$config
    [[ $creds == /* ]] || creds=./$creds
    reply=("${(@f)$(LC_ALL=C \command awk -v kind=$kind -v all=1 -v fold=1 \
        "${__awsswitch_awk-}" "$prefix" cfg=1 "$config" cfg=0 "$creds" 2>/dev/null)}")
    reply=("${(@)reply:#}")
    \builtin return 0
}

# __awsswitch_names_fresh NAMESFILE [+-]PATH: is the names file still valid for PATH?
__awsswitch_names_fresh() {
    \builtin emulate -L zsh
    \builtin local p="${2[2,-1]}"
    case ${2[1]} in
        (+) [[ -e $p && $1 -nt $p ]] ;;
        (-) [[ ! -e $p ]] ;;
        (*) \builtin return 1 ;;
    esac
}
