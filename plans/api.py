from .docs import PLAN

router = PLAN.api_router()
