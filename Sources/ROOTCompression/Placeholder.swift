// ROOTCompression: implementation lands here.
