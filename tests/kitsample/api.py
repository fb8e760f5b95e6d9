from .docs import SAMPLE

router = SAMPLE.api_router()
