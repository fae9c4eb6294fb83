"""Tests of the hub API routers."""
