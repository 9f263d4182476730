from webrtc_party.cli.main import run

run()
