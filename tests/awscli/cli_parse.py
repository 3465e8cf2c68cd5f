#!/usr/bin/env python
"""Use the real AWS CLI v1 as a command parser (oracle for differential tests).

Reads AWS CLI command lines from stdin, one per line (``aws s3api list-buckets``;
empty lines and lines starting with ``#`` are skipped), runs each one through
the real CLI driver (``awscli.clidriver.CLIDriver.main``) and stops it right
before the first HTTP request would be sent.  For every input line exactly one
JSON object is written to stdout:

* the CLI reached its first API call::

    {"command": "<line>", "ok": true, "service": "<botocore service name>",
     "operation": "<API operation name>", "params": {...},
     ["cli_params": {...}], ["paginated": true, "pagination_config": {...}]}

  ``params`` are the operation parameters after all ``before-parameter-build``
  handlers ran (i.e. exactly what botocore validated and serialized; this
  includes CLI-side customizations such as ``ec2 run-instances`` defaulting
  MinCount/MaxCount to 1, but also botocore ones such as ``EncodingType=url``
  for ``s3 list-objects*`` and auto-filled idempotency tokens, which are
  replaced by the fixed value ``00000000-0000-4000-8000-000000000000``).
  ``cli_params`` is only present when it differs from ``params``: it is what
  the CLI command passed to the botocore client method (snapshot taken at
  ``provide-client-params``, before any ``before-parameter-build`` handler).
  ``paginated``/``pagination_config`` appear when the CLI used a paginator
  (``--max-items``/``--starting-token``/``--page-size`` go there).

  Values: bytes -> {"$blob": "<base64>"}, datetime -> {"$timestamp": "<iso>"},
  Decimal -> float, file-like objects -> {"$stream": "<name or type>"}.

* the CLI stopped before any API call::

    {"command": "<line>", "ok": false, "kind": K, "error": "<text>",
     "exit": <rc>}

  ``kind`` is one of
    ``usage``    argparse rejected the command line (exit 2; unknown
                 service/operation, missing required argument, bad choice...);
    ``rejected`` the CLI reported an error and exited non-zero (parameter
                 validation, shorthand/JSON syntax errors, ...);
    ``no-call``  the command succeeded without making any API call
                 (``help``, ``--version``, ``--generate-cli-skeleton``,
                 ``configure list``/``set`` (config writes are suppressed),
                 presign, ...);
    ``remote-paramfile`` a parameter value started with http:// or https://
                 and the CLI v1 would have downloaded it (see
                 ``--remote-paramfile``);
    ``network-blocked`` the CLI tried to open a network connection outside
                 of an API call (the attempt is blocked);
    ``timeout`` / ``crash`` the command took too long / the harness failed.
  ``error`` holds the CLI's error text (stderr without the generic usage
  banner, last lines only; stdout if stderr was empty).

Nothing is ever sent over the network: an event handler on ``before-call``
(which runs after botocore's parameter validation and serialization) raises a
private exception; on top of that ``socket`` connect/DNS functions are
replaced by functions that refuse, remote param files (http(s)://) are
refused, help pagers are never spawned, config writes are suppressed, the
environment uses fake credentials (AKIDEXAMPLE), region us-east-1, empty
config/credentials files and a throw-away HOME, and the CLI's stdin is
/dev/null (commands that prompt fail immediately).  Subprocess output goes to
/dev/null; the CLI's own stdout/stderr are captured per command.

Process model: by default the script is a small supervisor that feeds the
commands to a worker process (this same script with ``--worker``).  The
worker enforces ``--timeout`` with SIGALRM and exits after a timeout (an
interrupted command can leave half-imported modules behind); if the worker
hangs hard or dies, the supervisor reports ``timeout``/``crash`` for that
command (a dead worker gets one retry) and starts a new worker.  So no
command can stop the loop.  ``--in-process`` runs everything in one process
(no restarts).

State: a fresh botocore session and CLI driver is created for every command
(reusing one driver leaks state between commands: ``--cli-input-json``
permanently clears the ``required`` flag of cached argument tables, handlers
registered per command accumulate, ``--profile``/``--region`` are stored on
the session, ...).  The botocore data loader (the parsed JSON models) is
shared, which is what makes this fast.  Note that relative file paths
(``file://x.json``, ``aws s3 cp ./dir ...``) are resolved against the
current directory.

Run (needs ``pip install awscli==1.46.3`` in a venv):

    printf '%s\\n' 'aws s3api list-objects-v2 --bucket b' | \\
        /tmp/venv/bin/python tests/awscli/cli_parse.py

Options: ``--timeout SECONDS`` per command (default 20; 0 disables it),
``--in-process`` (see above), ``--remote-paramfile
{error,literal}`` (default error: report kind remote-paramfile; literal: keep
the URL as the literal value, like ``cli_follow_urlparam = false``),
``--region`` default region (us-east-1), ``--stats`` print timing to stderr.
"""

import argparse
import base64
import datetime
import decimal
import io
import json
import logging
import os
import shlex
import signal
import socket
import sys
import tempfile
import threading
import time
import traceback

# --------------------------------------------------------------------------
# Environment isolation (must happen before awscli/botocore are imported).
# --------------------------------------------------------------------------

def _isolate_environment(region):
    import atexit
    import shutil
    tmp = tempfile.mkdtemp(prefix='cli-parse-')
    atexit.register(shutil.rmtree, tmp, True)
    cfg = os.path.join(tmp, 'config')
    creds = os.path.join(tmp, 'credentials')
    home = os.path.join(tmp, 'home')
    os.makedirs(home, exist_ok=True)
    for path in (cfg, creds):
        open(path, 'w').close()
    for var in list(os.environ):
        if var.startswith('AWS_') or var in ('BOTO_CONFIG',):
            del os.environ[var]
    os.environ.update({
        'AWS_ACCESS_KEY_ID': 'AKIDEXAMPLE',
        'AWS_SECRET_ACCESS_KEY': 'secret',
        'AWS_DEFAULT_REGION': region,
        'AWS_CONFIG_FILE': cfg,
        'AWS_SHARED_CREDENTIALS_FILE': creds,
        'AWS_EC2_METADATA_DISABLED': 'true',
        'HOME': home,
        'PAGER': 'cat',
        'MANPAGER': 'cat',
        # Any HTTP library honouring proxies would go to a dead port.
        'HTTP_PROXY': 'http://127.0.0.1:9',
        'HTTPS_PROXY': 'http://127.0.0.1:9',
        'http_proxy': 'http://127.0.0.1:9',
        'https_proxy': 'http://127.0.0.1:9',
        'NO_PROXY': '',
    })


class _State(threading.local):
    pass


class Recorder:
    """Per-command record of what the CLI did, filled by event handlers."""

    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        self.call = None          # dict for the first call reaching before-call
        self.pending = _State()   # per-thread snapshots of the call in progress
        self.pagination = None
        self.help = False
        self.config_write = False
        self.remote_url = None
        self.network = None


REC = Recorder()
IDEMPOTENCY_TOKEN = '00000000-0000-4000-8000-000000000000'


class _StopBeforeSend(Exception):
    """Raised at before-call; never escapes a command."""


class _Timeout(BaseException):
    pass


class _NetworkBlocked(OSError):
    pass


# --------------------------------------------------------------------------
# JSON encoding of botocore parameters
# --------------------------------------------------------------------------

def to_json(value):
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {'$blob': base64.b64encode(bytes(value)).decode('ascii')}
    if isinstance(value, (datetime.datetime, datetime.date)):
        return {'$timestamp': value.isoformat()}
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_json(v) for v in value]
    if hasattr(value, 'read'):
        name = getattr(value, 'name', None)
        if not isinstance(name, str):
            name = type(value).__name__
        return {'$stream': name}
    return {'$repr': repr(value)}


# --------------------------------------------------------------------------
# Event handlers
# --------------------------------------------------------------------------

def _on_provide_client_params(params, model, **kwargs):
    REC.pending.cli_params = to_json(params)
    REC.pending.model = model


def _on_before_parameter_build_last(params, model, **kwargs):
    REC.pending.params = to_json(params)
    REC.pending.model = model


def _on_before_call(model, **kwargs):
    with REC.lock:
        if REC.call is None:
            pending = REC.pending
            params = getattr(pending, 'params', None)
            cli_params = getattr(pending, 'cli_params', None)
            REC.call = {
                'service': model.service_model.service_name,
                'operation': model.name,
                'params': params if params is not None else {},
                'cli_params': cli_params,
            }
    raise _StopBeforeSend('cli_parse: stopped before sending %s.%s' % (
        model.service_model.service_name, model.name))


def _fixed_idempotency_token(params, model, **kwargs):
    for name in model.idempotent_members:
        if name not in params:
            params[name] = IDEMPOTENCY_TOKEN


def _register_handlers(session):
    emitter = session.get_component('event_emitter')
    emitter.register_first('provide-client-params', _on_provide_client_params,
                           unique_id='cli-parse-provide')
    emitter.register_last('before-parameter-build',
                          _on_before_parameter_build_last,
                          unique_id='cli-parse-bpb')
    emitter.register_first('before-call', _on_before_call,
                           unique_id='cli-parse-before-call')


# --------------------------------------------------------------------------
# Monkey patches (safety nets) installed once
# --------------------------------------------------------------------------

def _install_patches(remote_mode):
    import awscli  # noqa: F401  (installs the botocore import alias)
    import botocore.handlers
    import awscli.help
    import awscli.paramfile
    import awscli.clidriver
    from awscli.customizations.configure import writer

    # 1. Deterministic idempotency tokens (botocore fills them with uuid4()).
    botocore.handlers.BUILTIN_HANDLERS[:] = [
        (h[0], _fixed_idempotency_token) + tuple(h[2:])
        if h[1] is botocore.handlers.generate_idempotent_uuid else h
        for h in botocore.handlers.BUILTIN_HANDLERS
    ]

    # 2. Help is never rendered through a pager.
    class _NoHelpRenderer:
        def render(self, contents):
            REC.help = True

    awscli.help.get_renderer = lambda: _NoHelpRenderer()

    # 3. Remote param files (http://, https://) are never downloaded.
    def _remote(prefix, uri):
        REC.remote_url = uri
        if remote_mode == 'literal':
            return None
        raise awscli.paramfile.ResourceLoadingError(
            'cli_parse: refusing to download %s (remote param file)' % uri)

    for prefix in list(awscli.paramfile.REMOTE_PREFIX_MAP):
        awscli.paramfile.REMOTE_PREFIX_MAP[prefix] = (_remote, {})

    # 4. `aws configure set` & co never write the config file.
    def _no_write(self, *args, **kwargs):
        REC.config_write = True

    writer.ConfigFileWriter.update_config = _no_write

    # 5. Record how the CLI calls the client (paginator or not).
    orig_make_client_call = awscli.clidriver.CLIOperationCaller._make_client_call

    def _make_client_call(self, client, operation_name, parameters,
                          parsed_globals):
        from botocore import xform_name
        py_name = xform_name(operation_name)
        if client.can_paginate(py_name) and parsed_globals.paginate:
            REC.pagination = to_json(parameters.get('PaginationConfig') or {})
        return orig_make_client_call(self, client, operation_name, parameters,
                                     parsed_globals)

    awscli.clidriver.CLIOperationCaller._make_client_call = _make_client_call

    # 6. Speed: a new session/driver per command registers ~400 event
    #    handlers; botocore checks each one with inspect.getfullargspec()
    #    (only to raise for handlers without **kwargs, which the CLI never
    #    has) and recomputes event-name aliases per emitter.  Skip the check
    #    and share the (pure, name -> name) alias cache between emitters.
    import botocore.hooks
    botocore.hooks.BaseEventHooks._verify_accept_kwargs = (
        lambda self, func: None)
    shared_alias_cache = {}
    orig_aliaser_init = botocore.hooks.EventAliaser.__init__

    def _aliaser_init(self, event_emitter, event_aliases=None):
        orig_aliaser_init(self, event_emitter, event_aliases)
        if self._event_aliases == botocore.hooks.EVENT_ALIASES:
            self._alias_name_cache = shared_alias_cache

    botocore.hooks.EventAliaser.__init__ = _aliaser_init

    #    Client classes only depend on the service model and on stateless
    #    'creating-client-class' handlers (generate_presigned_url & co), so
    #    they are cached across sessions (instances are still per command).
    import botocore.client
    orig_create_client_class = botocore.client.ClientCreator._create_client_class
    client_classes = {}

    def _create_client_class(self, service_name, service_model):
        key = (service_name, service_model.api_version)
        cls = client_classes.get(key)
        if cls is None:
            cls = orig_create_client_class(self, service_name, service_model)
            client_classes[key] = cls
        return cls

    botocore.client.ClientCreator._create_client_class = _create_client_class

    # 7. Last-resort network guard.
    def _blocked(what):
        def _refuse(*args, **kwargs):
            if what.startswith('socket.'):
                target = args[1] if len(args) > 1 else None
            else:
                target = args[0] if args else None
            REC.network = '%s(%r)' % (what, target)
            raise _NetworkBlocked('cli_parse: network access blocked (%s)' % what)
        return _refuse

    socket.socket.connect = _blocked('socket.connect')
    socket.socket.connect_ex = _blocked('socket.connect_ex')
    socket.socket.sendto = _blocked('socket.sendto')
    socket.getaddrinfo = _blocked('getaddrinfo')
    socket.gethostbyname = _blocked('gethostbyname')
    socket.create_connection = _blocked('create_connection')


# --------------------------------------------------------------------------
# Driver creation
# --------------------------------------------------------------------------

class DriverFactory:
    def __init__(self):
        import botocore.session
        from awscli import EnvironmentVariables
        from awscli.clidriver import CLIDriver
        from awscli.plugin import load_plugins
        try:
            from awscli.clidriver import _set_user_agent_for_session
        except ImportError:  # pragma: no cover
            _set_user_agent_for_session = None
        self._Session = botocore.session.Session
        self._env_vars = EnvironmentVariables
        self._CLIDriver = CLIDriver
        self._load_plugins = load_plugins
        self._set_ua = _set_user_agent_for_session
        self._loader = None

    def create(self):
        session = self._Session(self._env_vars)
        if self._loader is None:
            self._loader = session.get_component('data_loader')
        else:
            session.register_component('data_loader', self._loader)
        if self._set_ua is not None:
            self._set_ua(session)
        self._load_plugins(
            session.full_config.get('plugins', {}),
            event_hooks=session.get_component('event_emitter'),
        )
        _register_handlers(session)
        return self._CLIDriver(session=session)


# --------------------------------------------------------------------------
# Running one command
# --------------------------------------------------------------------------

class _Capture(io.StringIO):
    """A text stream with a .buffer, like sys.stdout."""

    encoding = 'utf-8'
    errors = 'strict'

    def __init__(self):
        super().__init__()
        self.buffer = io.BytesIO()

    def isatty(self):
        return False

    def fileno(self):
        raise io.UnsupportedOperation('fileno')

    def text(self):
        out = self.getvalue()
        raw = self.buffer.getvalue()
        if raw:
            out += raw.decode('utf-8', 'replace')
        return out


_LOGGERS = ('', 'awscli', 'botocore', 's3transfer', 'urllib3')


def _snapshot_logging():
    snap = []
    for name in _LOGGERS:
        logger = logging.getLogger(name)
        snap.append((logger, list(logger.handlers), logger.level,
                     logger.propagate, logger.disabled))
    return snap


def _restore_logging(snap):
    for logger, handlers, level, propagate, disabled in snap:
        logger.handlers[:] = handlers
        logger.setLevel(level)
        logger.propagate = propagate
        logger.disabled = disabled


_USAGE_MARKERS = (
    'usage:',
    'usage: aws [options] <command> <subcommand>',
    'To see help text, you can run:',
    'aws <command> <subcommand> help',
    'aws <command> help',
    'aws help',
    'Note: AWS CLI version 2, the latest major version',
)


def _error_text(stderr, stdout, max_lines=12, max_chars=4000):
    text = stderr if stderr.strip() else stdout
    lines = [l.rstrip().lstrip('\r') for l in text.splitlines()]
    # argparse errors: keep only what follows the last "aws: error:" line.
    starts = [i for i, l in enumerate(lines) if l.startswith('aws: error:')]
    if starts:
        lines = lines[starts[-1]:]
    kept = []
    in_choices = False
    for line in lines:
        s = line.strip()
        if not s:
            continue
        if s in _USAGE_MARKERS or any(
                s.startswith(m) for m in _USAGE_MARKERS[1:]):
            continue
        # "Invalid choice, valid choices are:" is followed by a table of all
        # choices (two per line, separated by " | "); drop the table but keep
        # the "maybe you meant" suggestions.
        if s.endswith('valid choices are:'):
            kept.append(line + ' [...]')
            in_choices = True
            continue
        if in_choices:
            if s.startswith('Invalid choice:'):
                in_choices = False
            else:
                continue
        kept.append(line)
    text = '\n'.join(kept[-max_lines:])
    if len(text) > max_chars:
        text = text[-max_chars:]
    return text


def _on_alarm(signum, frame):
    raise _Timeout()


def run_command(factory, line, timeout):
    try:
        argv = shlex.split(line)
    except ValueError as e:
        return {'command': line, 'ok': False, 'kind': 'usage',
                'error': 'shlex: %s' % e, 'exit': 2}
    if argv and argv[0] == 'aws':
        argv = argv[1:]

    REC.reset()
    out, err = _Capture(), _Capture()
    log_snap = _snapshot_logging()
    saved = sys.stdout, sys.stderr, sys.stdin
    stdin = io.TextIOWrapper(open(os.devnull, 'rb'), encoding='utf-8')
    rc = None
    kind = None
    crash = None
    cwd = os.getcwd()
    sys.stdout, sys.stderr, sys.stdin = out, err, stdin
    try:
        signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            driver = factory.create()
            rc = driver.main(argv)
            if rc is None:
                # e.g. help commands return None; `sys.exit(None)` is 0.
                rc = 0
            elif not isinstance(rc, int):
                # e.g. `eks get-token` without --cluster-name returns a
                # ValueError; `sys.exit(obj)` prints it and exits with 1.
                err.write('%s\n' % (rc,))
                rc = 1
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except _StopBeforeSend:
        pass
    except SystemExit as e:
        code = e.code
        if code is None:
            rc = 0
        elif isinstance(code, int):
            rc = code
        else:
            err.write(str(code) + '\n')
            rc = 1
    except _Timeout:
        kind = 'timeout'
    except BaseException as e:  # noqa: B902 - never stop the loop
        crash = '%s: %s' % (type(e).__name__, e)
        err.write(traceback.format_exc())
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        sys.stdout, sys.stderr, sys.stdin = saved
        try:
            stdin.close()
        except Exception:
            pass
        _restore_logging(log_snap)
        if os.getcwd() != cwd:
            os.chdir(cwd)

    with REC.lock:
        call = REC.call
    if call is not None:
        rec = {'command': line, 'ok': True, 'service': call['service'],
               'operation': call['operation'], 'params': call['params']}
        if call['cli_params'] is not None and call['cli_params'] != call['params']:
            rec['cli_params'] = call['cli_params']
        if REC.pagination is not None:
            rec['paginated'] = True
            if REC.pagination:
                rec['pagination_config'] = REC.pagination
        return rec

    stderr_text, stdout_text = err.text(), out.text()
    if kind is None:
        if REC.network is not None:
            kind = 'network-blocked'
        elif REC.remote_url is not None and rc not in (0, None):
            kind = 'remote-paramfile'
        elif crash is not None:
            kind = 'crash'
        elif rc == 2 and ('aws: error:' in stderr_text or 'usage:' in stderr_text):
            kind = 'usage'
        elif rc == 0:
            kind = 'no-call'
        else:
            kind = 'rejected'
    rec = {'command': line, 'ok': False, 'kind': kind}
    if kind == 'no-call':
        what = []
        if REC.help:
            what.append('help')
        if REC.config_write:
            what.append('config-write')
        rec['error'] = 'no api call' + (' (%s)' % ', '.join(what) if what else '')
    elif kind == 'timeout':
        rec['error'] = 'timeout after %ss' % timeout
    elif kind == 'network-blocked':
        rec['error'] = 'network access attempted: %s' % REC.network
    else:
        rec['error'] = _error_text(stderr_text, stdout_text) or (crash or '')
    rec['exit'] = rc if rc is not None else 255
    return rec


# --------------------------------------------------------------------------
# Main loop
# --------------------------------------------------------------------------

def _warm_up(factory):
    """Import everything and build the command table once, outside of any
    timeout: an alarm firing in the middle of an import would leave a
    half-initialised module behind for every following command."""
    import awscli.handlers  # noqa: F401
    import awscli.customizations.s3.subcommands  # noqa: F401
    import awscli.customizations.cloudformation.yamlhelper  # noqa: F401
    import s3transfer.manager  # noqa: F401
    for line in ('aws sts get-caller-identity', 'aws s3 ls s3://warm-up'):
        run_command(factory, line, timeout=0)
    REC.reset()


def _encode(rec, line):
    try:
        return json.dumps(rec, ensure_ascii=False)
    except Exception as e:  # pragma: no cover
        return json.dumps({'command': line, 'ok': False, 'kind': 'crash',
                           'error': 'json: %s' % e, 'exit': 255})


def _is_command(line):
    return bool(line) and not line.startswith('#')


def worker_main(opts):
    """Run the commands in this process (used by the supervisor, or directly
    with --in-process)."""
    _isolate_environment(opts.region)

    # Keep private handles on the real stdin/stdout/stderr, then point the
    # process-level fds 0/1/2 at /dev/null so nothing the CLI (or a
    # subprocess) does can read our input or corrupt our output.
    in_fd, out_fd, err_fd = os.dup(0), os.dup(1), os.dup(2)
    devnull_r = os.open(os.devnull, os.O_RDONLY)
    devnull_w = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull_r, 0)
    os.dup2(devnull_w, 1)
    os.dup2(devnull_w, 2)
    real_in = io.TextIOWrapper(os.fdopen(in_fd, 'rb'), encoding='utf-8',
                               errors='surrogateescape')
    real_out = io.TextIOWrapper(os.fdopen(out_fd, 'wb'), encoding='utf-8',
                                errors='surrogateescape', line_buffering=True)
    real_err = io.TextIOWrapper(os.fdopen(err_fd, 'wb'), encoding='utf-8',
                                errors='replace', line_buffering=True)
    sys.stdin = io.TextIOWrapper(open(os.devnull, 'rb'), encoding='utf-8')
    sys.stdout = sys.__stdout__ = real_err  # stray prints -> stderr
    sys.stderr = sys.__stderr__ = real_err

    # argparse derives "prog" (shown in "<prog>: error: ...") from argv[0].
    sys.argv = ['aws']
    _install_patches(opts.remote_paramfile)
    signal.signal(signal.SIGALRM, _on_alarm)
    factory = DriverFactory()
    _warm_up(factory)

    n = 0
    start = time.time()
    for raw in real_in:
        line = raw.strip()
        if not _is_command(line):
            continue
        try:
            rec = run_command(factory, line, opts.timeout)
        except BaseException as e:  # pragma: no cover - last resort
            if isinstance(e, KeyboardInterrupt):
                raise
            rec = {'command': line, 'ok': False, 'kind': 'crash',
                   'error': '%s: %s' % (type(e).__name__, e), 'exit': 255}
        real_out.write(_encode(rec, line) + '\n')
        n += 1
        if rec.get('kind') == 'timeout' and opts.worker:
            # The interrupted command may have left broken state behind
            # (half-imported modules, stuck threads): let the supervisor
            # start a fresh worker.
            break
    real_out.flush()
    if opts.stats and not opts.worker:
        _print_stats(real_err, n, time.time() - start)
    return 0


def _print_stats(stream, n, elapsed):
    stream.write('cli_parse: %d commands in %.1fs (%.1f ms/command)\n' % (
        n, elapsed, 1000.0 * elapsed / max(n, 1)))
    stream.flush()


class _Worker:
    """A `cli_parse.py --worker` child process answering one line at a time."""

    def __init__(self, opts):
        import subprocess
        cmd = [sys.executable, os.path.abspath(__file__), '--worker',
               '--timeout', repr(opts.timeout),
               '--remote-paramfile', opts.remote_paramfile,
               '--region', opts.region]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, close_fds=True)
        self.fd = self.proc.stdout.fileno()
        self.buf = b''

    def ask(self, line, deadline):
        """Send one command; return its JSON line, or None if the worker
        died or did not answer within ``deadline`` seconds."""
        import select
        try:
            self.proc.stdin.write(line.encode('utf-8', 'surrogateescape') + b'\n')
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            return None
        end = time.monotonic() + deadline
        while b'\n' not in self.buf:
            remaining = end - time.monotonic()
            if remaining <= 0:
                return None
            ready, _, _ = select.select([self.fd], [], [], remaining)
            if ready:
                chunk = os.read(self.fd, 1 << 16)
                if not chunk:
                    return None
                self.buf += chunk
        answer, self.buf = self.buf.split(b'\n', 1)
        return answer.decode('utf-8', 'surrogateescape')

    def close(self, kill=False):
        try:
            if kill:
                self.proc.kill()
            else:
                self.proc.stdin.close()
            self.proc.wait(timeout=10)
        except Exception:
            try:
                self.proc.kill()
                self.proc.wait(timeout=10)
            except Exception:
                pass


def supervisor_main(opts):
    """Feed commands to a worker process; restart it if it hangs or dies."""
    out = sys.stdout
    worker = None
    # The worker enforces opts.timeout itself; the supervisor only steps in
    # when that fails (hard hang, crash).  Worker start-up takes ~1 s.
    hard_deadline = opts.timeout + 30.0
    n = 0
    start = time.time()
    try:
        for raw in sys.stdin:
            line = raw.strip()
            if not _is_command(line):
                continue
            for attempt in (1, 2):
                if worker is None:
                    worker = _Worker(opts)
                answer = worker.ask(line, hard_deadline)
                if answer is not None or worker.proc.poll() is None:
                    break
                # The worker died (maybe killed by something else): retry the
                # command once on a fresh worker before blaming it.
                if attempt == 1:
                    worker.close(kill=True)
                    worker = None
            if answer is None:
                rc = worker.proc.poll()
                worker.close(kill=True)
                worker = None
                if rc is None:
                    rec = {'command': line, 'ok': False, 'kind': 'timeout',
                           'error': 'worker did not answer within %ss' % hard_deadline,
                           'exit': 255}
                else:
                    rec = {'command': line, 'ok': False, 'kind': 'crash',
                           'error': 'worker process died (exit %s)' % rc,
                           'exit': 255}
                answer = _encode(rec, line)
            else:
                try:
                    kind = json.loads(answer).get('kind')
                except ValueError:
                    kind = None
                if kind == 'timeout':
                    worker.close(kill=True)
                    worker = None
            out.write(answer + '\n')
            out.flush()
            n += 1
    finally:
        if worker is not None:
            worker.close()
    if opts.stats:
        _print_stats(sys.stderr, n, time.time() - start)
    return 0


def main(argv=None):
    ap = argparse.ArgumentParser(
        description='Run AWS CLI command lines (stdin) through the real '
                    'CLI parser; print one JSON result per line.')
    ap.add_argument('--timeout', type=float, default=20.0,
                    help='seconds per command (default 20)')
    ap.add_argument('--remote-paramfile', choices=('error', 'literal'),
                    default='error')
    ap.add_argument('--region', default='us-east-1')
    ap.add_argument('--stats', action='store_true',
                    help='print throughput statistics to stderr')
    ap.add_argument('--in-process', action='store_true',
                    help='run the CLI in this process instead of a '
                         'restartable worker process')
    ap.add_argument('--worker', action='store_true', help=argparse.SUPPRESS)
    opts = ap.parse_args(argv)
    if opts.worker or opts.in_process:
        return worker_main(opts)
    return supervisor_main(opts)


if __name__ == '__main__':
    sys.exit(main())
