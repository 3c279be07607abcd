"""The stub, handed in next to conftest.py, pytest.ini, pyproject.toml, sitecustomize.py and a .pth (planted_files/)."""
