-- The service databases of the PostgreSQL server (the postgres image runs this on its first start;
-- elsewhere run it once with psql as a superuser). Each service migrates its own database at start.
-- Owned by the connecting (migrating) role; nexanest_app (03-app-role.sh) gets data access through
-- the services' migrations, never ownership.
CREATE DATABASE auth;
CREATE DATABASE portfolio;
CREATE DATABASE analytics;
CREATE DATABASE notifications;
