# awsswitch: profile and sso-session names for completion, from the AWS config and
# credentials files (botocore rules for the common cases; quoting beyond "..." and ...
# in single quotes is left to the names file the switch core keeps).
#
# Usage: awk -v kind=profiles|sessions [-v all=1] [-v fold=1] -f names.awk PREFIX cfg=1 CONFIG cfg=0 CREDENTIALS
# (the shell integration holds this program in a variable instead of -f).
# The first operand is the typed prefix: an operand, not -v, so awk processes no escape in
# it; it is compared as text, never as a regex (ignoring ASCII case given -v fold=1). It
# prints the names that start with it or, given -v all=1, every name when none does (zsh
# and fish then match their own way). Profiles come with their short names (the name
# without its first dot-component, when that has a dot and is unique).
# Only a line with a [ can be a section header, and a plain [profile NAME] line costs one
# regex match: a TAB on 10,000 profiles stays a few milliseconds of awk.
# This file holds no quote and no backslash, so every shell can hold it verbatim.
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
