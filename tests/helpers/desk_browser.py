"""Signing in to the desk in a browser test."""

# The password every browser test's accounts are made with.
PASSWORD = "correct horse battery"


def log_in(page, base_url, username):
    page.goto(f"{base_url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#user-tools")
