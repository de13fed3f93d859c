// Attack: implementation lands here.
