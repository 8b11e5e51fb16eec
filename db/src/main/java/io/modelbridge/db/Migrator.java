package io.modelbridge.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import javax.sql.DataSource;
import liquibase.Scope;
import liquibase.UpdateSummaryOutputEnum;
import liquibase.command.CommandScope;
import liquibase.command.core.UpdateCommandStep;
import liquibase.command.core.helpers.DbUrlConnectionArgumentsCommandStep;
import liquibase.command.core.helpers.ShowSummaryArgument;
import liquibase.database.jvm.JdbcConnection;
import liquibase.database.DatabaseFactory;
import liquibase.ui.LoggerUIService;

/** Brings the schema up to date with the Liquibase changelog; Liquibase's lock table serializes instances. */
final class Migrator {
    static final String CHANGELOG = "db/changelog/db.changelog-master.yaml";

    private Migrator() {}

    static void migrate(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection()) {
            // No network calls from a gateway start: Liquibase 4.30+ would otherwise try to send analytics.
            // Its console output goes to the log instead of stdout.
            Map<String, Object> scope = Map.of("liquibase.analytics.enabled", false,
                    "liquibase.showBanner", false, Scope.Attr.ui.name(), new LoggerUIService());
            Scope.child(scope, () -> {
                var database = DatabaseFactory.getInstance()
                        .findCorrectDatabaseImplementation(new JdbcConnection(connection));
                new CommandScope(UpdateCommandStep.COMMAND_NAME)
                        .addArgumentValue(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG, database)
                        .addArgumentValue(UpdateCommandStep.CHANGELOG_FILE_ARG, CHANGELOG)
                        .addArgumentValue(ShowSummaryArgument.SHOW_SUMMARY_OUTPUT, UpdateSummaryOutputEnum.LOG)
                        .execute();
            });
        } catch (SQLException e) {
            throw new IllegalStateException("could not connect to run the database migrations", e);
        } catch (Exception e) {
            throw new IllegalStateException("the database migration failed: " + e.getMessage(), e);
        }
    }
}
