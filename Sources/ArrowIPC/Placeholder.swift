// ArrowIPC: implementation lands here.
