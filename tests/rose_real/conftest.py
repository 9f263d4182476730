"""The real-Rose harness: every test here needs ROSE_SRC (a Rose checkout) and skips without."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.rose_real.host_kit import adopted_copy, rose_src


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if rose_src() is not None:
        return
    skip = pytest.mark.skip(
        reason="needs Rose's source: set ROSE_SRC to a Rose checkout (Alban1911/Rose at 59922fc)"
    )
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def adopted_rose(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One adopted copy of ROSE_SRC for the session (with the Swiftplay patch only: Rose's
    default-skin branch as it ships)."""
    return adopted_copy(tmp_path_factory.mktemp("rose") / "Rose", swiftplay=True)


@pytest.fixture(scope="session")
def plain_rose(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An adopted copy without the Swiftplay patch: Rose's Swiftplay path as it ships."""
    return adopted_copy(tmp_path_factory.mktemp("rose-plain") / "Rose", swiftplay=False)


@pytest.fixture(scope="session")
def fully_patched_rose(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An adopted copy with both optional patches (``--swiftplay --default-skin``)."""
    return adopted_copy(
        tmp_path_factory.mktemp("rose-full") / "Rose", swiftplay=True, default_skin=True
    )
