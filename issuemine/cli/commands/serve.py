"""``issuemine serve``: the facilitator web app."""

from __future__ import annotations

import ipaddress
import os
import re

NAME = "serve"
HELP = "ファシリテーター用のウェブ画面を起動します(付箋のアップロード・テーマの手直し・レポート)。"
ORDER = 60
LONG_RUNNING = True  # a server keeps Python's default garbage collection (see cli.main)
MIN_TOKEN = 8
# A DNS name or an IP address (IPv6 with or without brackets): what may follow "http://" before the port.
HOST_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?\.?|\[?[0-9A-Fa-f:.]+\]?")


def add_arguments(parser) -> None:
    parser.add_argument("--host", default="127.0.0.1",
                        help="待ち受けるアドレス(既定 127.0.0.1 = このパソコンからのみ)。それ以外ではアクセスキーが必要です")
    parser.add_argument("--port", type=int, default=8000, help="ポート番号(既定 8000)")
    parser.add_argument("--data", default="issuemine-data", help="データを保存するフォルダ(既定 ./issuemine-data)")
    parser.add_argument("--token", default=None,
                        help=f"アクセスキー({MIN_TOKEN}文字以上)。環境変数 ISSUEMINE_TOKEN でも指定できます")
    parser.add_argument("--max-upload-mb", type=float, default=20.0, help="アップロードの上限(MB、既定 20)")
    parser.add_argument("--allowed-host", action="append", default=[], metavar="名前",
                        help="このサーバーを開くときに使うアドレスの名前(例: pc01.example.lan)。複数回指定できます。"
                             "起動したアドレス・localhost・127.0.0.1 は指定しなくても使えます")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_options(host: str, token: str | None, max_upload_mb: float, allowed_hosts=()) -> None:
    from issuemine.errors import ConfigError

    for name in allowed_hosts:
        if not HOST_NAME.fullmatch(name):
            raise ConfigError(f"--allowed-host の「{name}」はアドレスの名前として使えません。",
                              hint="pc01.example.lan や 192.168.1.5 のように、名前だけを指定してください(http:// やポート番号は不要です)")

    if token is not None and len(token) < MIN_TOKEN:
        raise ConfigError(f"アクセスキーは {MIN_TOKEN} 文字以上にしてください。")
    if not is_loopback(host) and not token:
        raise ConfigError(f"{host} で待ち受けると他のパソコンから接続できるため、アクセスキーが必要です。",
                          hint="--token でアクセスキーを決めるか(環境変数 ISSUEMINE_TOKEN でも可)、--host 127.0.0.1 にしてください")
    if not 0 < max_upload_mb <= 1024:
        raise ConfigError("アップロードの上限は 0 より大きく 1024 MB 以下にしてください。")


def run(args) -> int:
    token = args.token if args.token is not None else (os.environ.get("ISSUEMINE_TOKEN") or None)
    check_options(args.host, token, args.max_upload_mb, args.allowed_host)

    import uvicorn

    from issuemine.app.server import create_app

    app = create_app(args.data, token=token, max_upload_bytes=int(args.max_upload_mb * 1024 * 1024),
                     host=args.host, allowed_hosts=args.allowed_host)
    shown = f"[{args.host}]" if ":" in args.host else args.host
    where = f"http://{shown}:{args.port}/"
    print(f"issuemine を起動しました: {where}(データ: {os.path.abspath(args.data)})。止めるには Ctrl+C。", flush=True)
    if args.host in ("0.0.0.0", "::"):
        print("他のパソコンからは、このパソコンの IP アドレス(例: http://192.168.1.5:"
              f"{args.port}/)で開けます。名前で開くときは --allowed-host その名前 を付けて起動してください。", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)
    return 0
