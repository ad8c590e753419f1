#!/bin/sh
# espeak-ng, half a second slower: lets a test stop a job in the middle of one cue's speech.
sleep "${SLOW_ESPEAK_S:-0.5}"
exec espeak-ng "$@"
