import pytest

from contest.domain.addresses import is_loopback_url


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:5000", "http://127.8.9.1", "http://localhost:5150/", "http://LOCALHOST",
    "http://[::1]:5000", "http://0.0.0.0:5000", "http://app.localhost", "cuocthi.example.vn", "",
])
def test_addresses_no_other_device_can_open(url):
    assert is_loopback_url(url)


@pytest.mark.parametrize("url", [
    "https://cuocthi.example.vn", "http://192.168.1.20:5000", "http://10.0.0.5", "https://[2001:db8::1]/",
])
def test_addresses_another_device_can_open(url):
    assert not is_loopback_url(url)
