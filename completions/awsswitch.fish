# fish completion for the awsswitch command. Generated from the typer app by scripts/gen_completions.py: do not edit.
# Installed as share/fish/vendor_completions.d/awsswitch.fish; `awsswitch init fish`
# puts the package's completions folder on fish_complete_path. What completes is
# shell/fragments/complete.fish, with names and regions from the fish integration
# when it is loaded.
set -l __awsswitch_file (status current-filename)
for __awsswitch_d in (string replace -r '/[^/]*$' '' -- $__awsswitch_file)/../shell/fragments \
    (string replace -r '/share/.*' '' -- $__awsswitch_file)/lib/python3*/*-packages/awsswitch/shell/fragments
    builtin test -f $__awsswitch_d/complete.fish
    and source $__awsswitch_d/complete.fish
    and break
end
set -g __awsswitch_cli_groups 'configure'
set -g __awsswitch_cli_valued --account-id --browser --cmd --concurrency --destination --duration --format --max-rate --output --port --region --role-name --scopes --service --sso-session --start-url --template -f
complete -c awsswitch -f

# awsswitch
complete -c awsswitch -n '__awsswitch_cli_at ""' -a init -d 'Print the shell integration: add `eval "$(awsswitch init zsh)"` to your rc file'
complete -c awsswitch -n '__awsswitch_cli_at ""' -a list -d 'List every profile: name, short name, kind, session, account, role, region, token'
complete -c awsswitch -n '__awsswitch_cli_at ""' -a status -d 'Show the active profile, why it is active, and its SSO token state'
complete -c awsswitch -n '__awsswitch_cli_at ""' -a doctor -d 'Explain which identity and region an AWS call from this shell uses, and what differs'
complete -c awsswitch -n '__awsswitch_cli_at ""' -a export -d 'Print temporary credentials for a profile (for tools that cannot read SSO profiles)'
complete -c awsswitch -n '__awsswitch_cli_at ""' -a exec -d 'Run CMD with a profile: AWS_PROFILE as asw sets it, --env-credentials, or --server'
complete -c awsswitch -n '__awsswitch_cli_at ""' -a serve -d 'Serve a profile\'s credentials on 127.0.0.1 for SDKs (container format) until Ctrl-C'
complete -c awsswitch -n '__awsswitch_cli_at ""' -a console -d 'Open the AWS console signed in as a profile (through the federation endpoint)'
complete -c awsswitch -n '__awsswitch_cli_at ""' -a allow -d 'Trust a directory\'s .awsprofile for `init --auto`: its path and content\'s sha256'
complete -c awsswitch -n '__awsswitch_cli_at ""' -a deny -d 'Stop trusting a directory\'s .awsprofile (whatever its content now)'
complete -c awsswitch -n '__awsswitch_cli_at ""' -a login -d 'Make an SSO session\'s token fresh: keep it, refresh it, or log in'
complete -c awsswitch -n '__awsswitch_cli_at ""' -a logout -d 'End an SSO session and remove its cached token'
complete -c awsswitch -n '__awsswitch_cli_at ""' -a sync -d 'Generate a native sso_session profile for every account and role the portal grants'
complete -c awsswitch -n '__awsswitch_cli_at ""' -a demo -d 'Start a sandboxed shell with a local Identity Center stand-in: try everything offline'
complete -c awsswitch -n '__awsswitch_cli_at ""' -a configure -d 'Create or update [sso-session] and [profile] sections in ~/.aws/config'
complete -c awsswitch -n '__awsswitch_cli_at ""' -l version -s V -d 'Print the version and exit'
complete -c awsswitch -n '__awsswitch_cli_at ""' -l help -s h -d 'Show the help and exit'

# awsswitch init
complete -c awsswitch -n '__awsswitch_cli_at "init"' -l cmd -x -d 'Name of the switch function'
complete -c awsswitch -n '__awsswitch_cli_at "init"' -l aliases -d 'Define one alias per profile (named by its short name)'
complete -c awsswitch -n '__awsswitch_cli_at "init"' -l prompt -d 'Also install the prompt segment'
complete -c awsswitch -n '__awsswitch_cli_at "init"' -l auto -d 'Per-directory profiles: cd into a tree whose .awsprofile you allowed (awsswitch allow) switches to the profile it names'
complete -c awsswitch -n '__awsswitch_cli_at "init"' -l help -s h -d 'Show the help and exit'
complete -c awsswitch -n '__awsswitch_cli_at "init" 1' -a 'bash zsh fish' -d 'bash, zsh or fish'

# awsswitch list
complete -c awsswitch -n '__awsswitch_cli_at "list"' -l json -d 'Machine-readable output'
complete -c awsswitch -n '__awsswitch_cli_at "list"' -l help -s h -d 'Show the help and exit'

# awsswitch status
complete -c awsswitch -n '__awsswitch_cli_at "status"' -l verify -d 'Ask STS who you are (network call)'
complete -c awsswitch -n '__awsswitch_cli_at "status"' -l help -s h -d 'Show the help and exit'
complete -c awsswitch -n '__awsswitch_cli_at "status" 1' -a '(__awsswitch_names profiles (commandline -ct))' -d 'Profile to inspect'

# awsswitch doctor
complete -c awsswitch -n '__awsswitch_cli_at "doctor"' -l json -d 'Machine-readable report (schema: docs/doctor.md)'
complete -c awsswitch -n '__awsswitch_cli_at "doctor"' -l verify -d 'Also ask STS who a call from this shell is (network)'
complete -c awsswitch -n '__awsswitch_cli_at "doctor"' -l help -s h -d 'Show the help and exit'
complete -c awsswitch -n '__awsswitch_cli_at "doctor" 1' -a '(__awsswitch_names profiles (commandline -ct))' -d 'The profile you mean (as `asw NAME` resolves it)'

# awsswitch export
complete -c awsswitch -n '__awsswitch_cli_at "export"' -l format -s f -x -a 'env env-no-export fish powershell process dotenv' -d 'env, env-no-export, fish, powershell, process or dotenv'
complete -c awsswitch -n '__awsswitch_cli_at "export"' -l help -s h -d 'Show the help and exit'
complete -c awsswitch -n '__awsswitch_cli_at "export" 1' -a '(__awsswitch_names profiles (commandline -ct))' -d 'Profile'

# awsswitch exec
complete -c awsswitch -n '__awsswitch_cli_at "exec"' -l help -s h -d 'Show the help and exit'

# awsswitch serve
complete -c awsswitch -n '__awsswitch_cli_at "serve"' -l port -x -d 'Port on 127.0.0.1'
complete -c awsswitch -n '__awsswitch_cli_at "serve"' -l help -s h -d 'Show the help and exit'
complete -c awsswitch -n '__awsswitch_cli_at "serve" 1' -a '(__awsswitch_names profiles (commandline -ct))' -d 'Profile to serve'

# awsswitch console
complete -c awsswitch -n '__awsswitch_cli_at "console"' -l service -x -d 'Land on this service (ec2, s3, ...)'
complete -c awsswitch -n '__awsswitch_cli_at "console"' -l destination -x -d 'Land on this console URL or path'
complete -c awsswitch -n '__awsswitch_cli_at "console"' -l region -x -a '$__awsswitch_regions' -d 'Console region'
complete -c awsswitch -n '__awsswitch_cli_at "console"' -l url -d 'Print the sign-in URL instead of opening it'
complete -c awsswitch -n '__awsswitch_cli_at "console"' -l browser -x -d 'Open it with CMD (the URL comes last)'
complete -c awsswitch -n '__awsswitch_cli_at "console"' -l duration -x -d 'Console session seconds [3600]'
complete -c awsswitch -n '__awsswitch_cli_at "console"' -l help -s h -d 'Show the help and exit'
complete -c awsswitch -n '__awsswitch_cli_at "console" 1' -a '(__awsswitch_names profiles (commandline -ct))' -d 'Profile to sign in as'

# awsswitch allow
complete -c awsswitch -n '__awsswitch_cli_at "allow"' -l help -s h -d 'Show the help and exit'

# awsswitch deny
complete -c awsswitch -n '__awsswitch_cli_at "deny"' -l help -s h -d 'Show the help and exit'

# awsswitch login
complete -c awsswitch -n '__awsswitch_cli_at "login"' -l sso-session -x -a '(__awsswitch_names sessions (commandline -ct))' -d 'Log into this sso-session'
complete -c awsswitch -n '__awsswitch_cli_at "login"' -l force -d 'Log in even if the token is fresh'
complete -c awsswitch -n '__awsswitch_cli_at "login"' -l native -d 'Use the built-in login (PKCE, or a device code), not `aws sso login`'
complete -c awsswitch -n '__awsswitch_cli_at "login"' -l no-browser -d 'Open no browser: log in with a device code'
complete -c awsswitch -n '__awsswitch_cli_at "login"' -l use-device-code -d 'Log in with a device code (approve from any device), not the browser on this machine'
complete -c awsswitch -n '__awsswitch_cli_at "login"' -l help -s h -d 'Show the help and exit'
complete -c awsswitch -n '__awsswitch_cli_at "login" 1' -a '(__awsswitch_names profiles (commandline -ct))' -d 'Profile whose sso-session to log into'

# awsswitch logout
complete -c awsswitch -n '__awsswitch_cli_at "logout"' -l sso-session -x -a '(__awsswitch_names sessions (commandline -ct))' -d 'Session to end'
complete -c awsswitch -n '__awsswitch_cli_at "logout"' -l help -s h -d 'Show the help and exit'

# awsswitch sync
complete -c awsswitch -n '__awsswitch_cli_at "sync"' -l template -x -d 'Profile name template'
complete -c awsswitch -n '__awsswitch_cli_at "sync"' -l dry-run -d 'Print a diff of the config'
complete -c awsswitch -n '__awsswitch_cli_at "sync"' -l prune -d 'Remove generated profiles whose role is gone'
complete -c awsswitch -n '__awsswitch_cli_at "sync"' -l rename -d 'Move profiles sync adopts (hand-written, or another template\'s) to the template\'s name, in place'
complete -c awsswitch -n '__awsswitch_cli_at "sync"' -l region -x -a '$__awsswitch_regions' -d 'region = for generated profiles'
complete -c awsswitch -n '__awsswitch_cli_at "sync"' -l yes -s y -d 'Do not ask for confirmation'
complete -c awsswitch -n '__awsswitch_cli_at "sync"' -l concurrency -x -d 'Portal calls in flight at most'
complete -c awsswitch -n '__awsswitch_cli_at "sync"' -l max-rate -x -d 'Most portal requests per second per session'
complete -c awsswitch -n '__awsswitch_cli_at "sync"' -l help -s h -d 'Show the help and exit'
complete -c awsswitch -n '__awsswitch_cli_at "sync"' -a '(__awsswitch_names sessions (commandline -ct))' -d 'sso-session name(s) to sync'

# awsswitch demo
complete -c awsswitch -n '__awsswitch_cli_at "demo"' -l help -s h -d 'Show the help and exit'
complete -c awsswitch -n '__awsswitch_cli_at "demo" 1' -a 'bash zsh fish' -d 'bash, zsh or fish'

# awsswitch configure
complete -c awsswitch -n '__awsswitch_cli_at "configure"' -a sso-session -d 'Create or update [sso-session NAME]'
complete -c awsswitch -n '__awsswitch_cli_at "configure"' -a profile -d 'Create or update [profile NAME]'
complete -c awsswitch -n '__awsswitch_cli_at "configure"' -l help -s h -d 'Show the help and exit'

# awsswitch configure sso-session
complete -c awsswitch -n '__awsswitch_cli_at "configure sso-session"' -l start-url -x -d 'SSO start URL (https://…/start)'
complete -c awsswitch -n '__awsswitch_cli_at "configure sso-session"' -l region -x -a '$__awsswitch_regions' -d 'Region of the IAM Identity Center'
complete -c awsswitch -n '__awsswitch_cli_at "configure sso-session"' -l scopes -x -d 'Registration scopes, comma-separated'
complete -c awsswitch -n '__awsswitch_cli_at "configure sso-session"' -l help -s h -d 'Show the help and exit'
complete -c awsswitch -n '__awsswitch_cli_at "configure sso-session" 1' -a '(__awsswitch_names sessions (commandline -ct))' -d 'The sso-session name, e.g'

# awsswitch configure profile
complete -c awsswitch -n '__awsswitch_cli_at "configure profile"' -l sso-session -x -a '(__awsswitch_names sessions (commandline -ct))' -d 'The sso-session it uses'
complete -c awsswitch -n '__awsswitch_cli_at "configure profile"' -l account-id -x -d '12-digit AWS account id'
complete -c awsswitch -n '__awsswitch_cli_at "configure profile"' -l role-name -x -d 'Permission set (role) name'
complete -c awsswitch -n '__awsswitch_cli_at "configure profile"' -l region -x -a '$__awsswitch_regions' -d 'Default region'
complete -c awsswitch -n '__awsswitch_cli_at "configure profile"' -l output -x -a 'json yaml yaml-stream text table' -d 'Default output format (json, text, …)'
complete -c awsswitch -n '__awsswitch_cli_at "configure profile"' -l help -s h -d 'Show the help and exit'
complete -c awsswitch -n '__awsswitch_cli_at "configure profile" 1' -a '(__awsswitch_names profiles (commandline -ct))' -d 'Profile name'
