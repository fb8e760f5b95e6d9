from .docs import INTENTION

router = INTENTION.api_router()
