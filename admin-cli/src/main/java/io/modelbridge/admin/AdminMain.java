package io.modelbridge.admin;

/** mbctl entry point. The command tree arrives with the admin CLI issue; until then it says so. */
public final class AdminMain {
    private AdminMain() {}

    public static void main(String[] args) {
        System.err.println("mbctl: not built yet; use the admin API on port 8081 (docs/admin-api.md)");
        System.exit(2);
    }
}
