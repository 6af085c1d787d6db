#!/usr/bin/env bash
# Builds the comparison, lets Coyote rewrite it (so Coyote controls Tasks), and runs it.
# Needs the Coyote CLI: dotnet tool install Microsoft.Coyote.CLI --version 1.7.11 --tool-path <dir>
# and COYOTE=<dir>/coyote (defaults to `coyote` on PATH).
set -euo pipefail
cd "$(dirname "$0")"
dotnet build -c Release -nologo -v q
out=bin/Release/net10.0
# The Coyote 1.7 tool targets .NET 8; let it roll forward to the installed runtime.
DOTNET_ROLL_FORWARD=Major "${COYOTE:-coyote}" rewrite "$out/Coop.Coyote.dll"
dotnet "$out/Coop.Coyote.dll"
