# shellcheck shell=bash
# Profile and sso-session names for completion, without starting Python (bash 4+). Part of
# the bash integration (`awsswitch init bash` splices it in) and of the completion of the
# awsswitch command, which sources it when that integration is not loaded.
# It reads the names file that awsswitch keeps in its cache folder when that file is newer
# than the config files (no process at all), else runs the awk program of names.awk (held in
# __awsswitch_awk) over the config and credentials files.

# __awsswitch_names KIND [PREFIX]: fills the array __awsswitch_reply with the profile names
# (full and short) for KIND=profiles, the sso-session names for KIND=sessions, that start
# with PREFIX.
__awsswitch_names() {
    __awsswitch_reply=()
    ((BASH_VERSINFO[0] >= 4)) || \builtin return 0
    \builtin local kind="${1-profiles}" prefix="${2-}" file config creds out
    \builtin local -a lines
    file=${AWSSWITCH_CACHE_DIR:-${XDG_CACHE_HOME:-${HOME-}/.cache}/awsswitch}/names
    lines=()
    # The header first: a stale names file is not read whole. Then the whole file, checked
    # again (it may have been replaced in between). Only a file of ours is trusted.
    if [[ -f ${file} && -r ${file} && -O ${file} ]]; then
        \builtin mapfile -t -n 6 lines <"${file}"
        if __awsswitch_names_usable "${file}"; then
            \builtin mapfile -t lines <"${file}"
        fi
    fi
    if __awsswitch_names_usable "${file}"; then
        if [[ ${kind} == sessions ]]; then
            __awsswitch_names_range "S${prefix}"
        else
            __awsswitch_names_range "p${prefix}"
            __awsswitch_names_range "s${prefix}"
        fi
        \builtin return 0
    fi
    # Stale or missing: parse the config files. awk prints only the names that start with
    # PREFIX, so the shell loops over nothing; LC_ALL=C makes it compare bytes (and keeps
    # gawk fast in a UTF-8 locale).
    config=${AWS_CONFIG_FILE:-${HOME-}/.aws/config}
    creds=${AWS_SHARED_CREDENTIALS_FILE:-${HOME-}/.aws/credentials}
    # botocore expands a leading ~ (against HOME) in both variables.
    [[ ${config} == \~/* ]] && config=${HOME-}${config:1}
    [[ ${creds} == \~/* ]] && creds=${HOME-}${creds:1}
    [[ -f ${config} && -r ${config} ]] || config=/dev/null
    [[ -f ${creds} && -r ${creds} ]] || creds=/dev/null
    [[ ${config} == /* ]] || config=./${config}
    [[ ${creds} == /* ]] || creds=./${creds}
    # A command substitution, not < <(...): POSIX mode of bash 5.0 and older has none.
    out=$(LC_ALL=C \command awk -v kind="${kind}" "${__awsswitch_awk-}" "${prefix}" \
        cfg=1 "${config}" cfg=0 "${creds}" 2>/dev/null) || \builtin true
    [[ -z ${out} ]] || \builtin mapfile -t __awsswitch_reply <<<"${out}"
    \builtin return 0
}

# __awsswitch_names_usable NAMESFILE: does the caller's `lines` start with a header that
# matches this environment, and is the names file newer than the files it names? Header
# (awsswitch/config/names.py writes it): magic, raw AWS_CONFIG_FILE, raw
# AWS_SHARED_CREDENTIALS_FILE, HOME, then the two resolved paths, each prefixed with +
# (existed when written) or - (did not).
__awsswitch_names_usable() {
    ((${#lines[@]} >= 6)) && [[ ${lines[0]} == "#awsswitch-names 2" &&
        ${lines[1]} == "#${AWS_CONFIG_FILE-}" &&
        ${lines[2]} == "#${AWS_SHARED_CREDENTIALS_FILE-}" &&
        ${lines[3]} == "#${HOME-}" ]] &&
        __awsswitch_names_fresh "$1" "${lines[4]:1}" &&
        __awsswitch_names_fresh "$1" "${lines[5]:1}"
}

# __awsswitch_names_fresh NAMESFILE [+-]PATH: is the names file still valid for PATH?
__awsswitch_names_fresh() {
    \builtin local path="${2:1}"
    case ${2:0:1} in
    +) [[ -e ${path} && $1 -nt ${path} ]] ;;
    -) [[ ! -e ${path} ]] ;;
    *) \builtin return 1 ;;
    esac
}

# __awsswitch_names_range KEY: appends to __awsswitch_reply the lines of the caller's
# sorted `lines` that start with KEY (without their first character): two binary searches
# and one slice, so a TAB costs about the same with 10 or 10,000 profiles.
__awsswitch_names_range() {
    \builtin local LC_ALL=C
    \builtin local -i first last
    __awsswitch_names_bound "$1"
    first=${__awsswitch_i}
    # No UTF-8 text contains the byte 0xFF: KEY followed by it sorts after every match.
    __awsswitch_names_bound "$1"$'\xff'
    last=${__awsswitch_i}
    if ((last > first)); then
        \builtin local -a found
        found=("${lines[@]:first:last-first}")
        __awsswitch_reply+=("${found[@]#?}")
    fi
    \builtin return 0
}

# __awsswitch_names_bound KEY: sets __awsswitch_i to the first index of `lines` (from 6,
# past the header) whose line is not less than KEY (byte order: LC_ALL=C in the caller).
__awsswitch_names_bound() {
    \builtin local -i lo=6 hi="${#lines[@]}" mid
    while ((lo < hi)); do
        mid=$(((lo + hi) / 2))
        if [[ ${lines[mid]} < "$1" ]]; then
            lo=$((mid + 1))
        else
            hi=${mid}
        fi
    done
    __awsswitch_i=${lo}
}
