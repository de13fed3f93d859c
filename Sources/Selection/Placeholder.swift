// Selection: implementation lands here.
