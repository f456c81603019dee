from tests.demo.fixtures import demo_data, demo_data_shared  # noqa: F401
