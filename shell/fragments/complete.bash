# shellcheck shell=bash
# Completion of the awsswitch command (bash 4+), run by completions/awsswitch.bash, which
# holds what each command accepts (__awsswitch_cli_spec, __awsswitch_cli_value: generated
# from the typer app by scripts/gen_completions.py). Profile and sso-session names and
# regions come from the bash integration when it is loaded, else from the files beside this
# one: no Python process per TAB.

__awsswitch_cli_here=${BASH_SOURCE[0]%/*}
if ! \builtin declare -F __awsswitch_names >/dev/null; then
    \builtin source "${__awsswitch_cli_here}/names.bash"
fi
if [[ -z ${__awsswitch_awk+set} ]]; then
    IFS= \builtin read -r -d '' __awsswitch_awk <"${__awsswitch_cli_here}/names.awk" ||
        \builtin true
fi
if [[ -z ${__awsswitch_regions+set} ]]; then
    \builtin mapfile -t __awsswitch_regions <"${__awsswitch_cli_here}/regions.txt"
fi
\builtin unset __awsswitch_cli_here

# _awsswitch: the completion function (complete -F) of the awsswitch command.
# shellcheck disable=SC2154 # __awsswitch_cli_subs and _words: set by __awsswitch_cli_spec
_awsswitch() {
    \builtin local line="${COMP_LINE:0:COMP_POINT}" cur path="" word value="" keep="" q="" i
    \builtin local kind="" typed IFS=$' \t\n'
    \builtin local -a words found
    \builtin local -i n=0
    # Words before the cursor, split on blanks (COMP_WORDS also splits at ':' and '=').
    \builtin read -r -a words <<<"${line}"
    cur=""
    if [[ ${line} == *[![:space:]] ]]; then
        cur=${words[${#words[@]} - 1]}
        \builtin unset 'words[${#words[@]}-1]'
    fi
    COMPREPLY=()
    __awsswitch_cli_reply=()
    # Walk the words: the command path, how many arguments it has been given, and whether
    # the last word is an option that wants a value.
    for ((i = 1; i < ${#words[@]}; i++)); do
        word=${words[i]}
        if [[ -n ${value} ]]; then
            value=""
        elif [[ ${word} == -* ]]; then
            __awsswitch_cli_spec "${path}"
            if [[ ${word} != *=* && " ${__awsswitch_cli_words[*]} " == *" ${word}= "* ]]; then
                value=${word}
            fi
        else
            __awsswitch_cli_spec "${path}"
            if [[ " ${__awsswitch_cli_subs[*]} " == *" ${word} "* ]]; then
                path=${path:+${path} }${word}
            else
                n+=1
            fi
        fi
    done
    __awsswitch_cli_spec "${path}"
    if [[ -n ${value} ]]; then
        __awsswitch_cli_value "${path:+${path} }${value}"
    elif [[ ${cur} == --*=* ]]; then
        keep=${cur%%=*}=
        cur=${cur#*=}
        __awsswitch_cli_value "${path:+${path} }${keep%=}"
    elif [[ ${cur} == -* || ${#__awsswitch_cli_subs[@]} -gt 0 ]]; then
        # Options, or the subcommands of a command that has some.
        if [[ ${cur} == -* ]]; then
            found=("${__awsswitch_cli_words[@]}")
        else
            found=("${__awsswitch_cli_subs[@]}")
        fi
        for word in "${found[@]}"; do
            # A short option takes its value as the next word: no "=" after it.
            [[ ${word} == -[!-]= ]] && word=${word%=}
            [[ ${word} == "${cur}"* ]] && COMPREPLY+=("${word}")
        done
        if [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]]; then
            \builtin compopt -o nospace 2>/dev/null || \builtin true
        fi
        \builtin return 0
    else
        __awsswitch_cli_value "${path:+${path} }$((n + 1))"
        [[ -n ${kind} ]] || __awsswitch_cli_value "${path:+${path} }*"
    fi
    case ${kind} in
    profiles | sessions)
        # The names come filtered by the prefix already.
        __awsswitch_names "${kind}" "${cur}"
        found=("${__awsswitch_reply[@]}")
        ;;
    *)
        [[ ${kind} != regions ]] || __awsswitch_cli_reply=("${__awsswitch_regions[@]}")
        for word in "${__awsswitch_cli_reply[@]}"; do
            [[ ${word} == "${cur}"* ]] && found+=("${word}")
        done
        ;;
    esac
    ((${#found[@]})) || \builtin return 0
    # Put back an `--option=` typed in the same word, drop what readline treats as a
    # separate word (up to the last : or =), and quote what needs it (printf %q leaves
    # plain names as they are).
    typed=${keep}${cur}
    keep=""
    [[ ${typed} == *[:=]* ]] && keep=${typed%"${typed##*[:=]}"}
    found=("${found[@]/#/"${typed%"${cur}"}"}")
    \builtin printf -v q '%q\n' "${found[@]#"${keep}"}"
    \builtin mapfile -t COMPREPLY <<<"${q%$'\n'}"
    \builtin return 0
}
