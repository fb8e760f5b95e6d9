import pytest

from orgs.models import Role
from orgs.testing import make_user


@pytest.fixture
def w(world):
    """world with a reviewer in 考试院 (sub1), whose competent unit is 教育厅: clerk → reviewer → competent."""
    world.sub1_reviewer = make_user("sub1_reviewer", world.sub1, Role.REVIEWER)
    return world
