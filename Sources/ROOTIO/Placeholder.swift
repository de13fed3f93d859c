// ROOTIO: implementation lands here.
