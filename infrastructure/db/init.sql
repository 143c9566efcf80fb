-- Creates the platform's databases on an external server (the compose file runs it on first
-- start; run it by hand with psql otherwise). Each service migrates its own database at start.
CREATE DATABASE auth;
CREATE DATABASE portfolio;
CREATE DATABASE analytics;
CREATE DATABASE notifications;
CREATE DATABASE timescale;
\connect timescale
CREATE EXTENSION IF NOT EXISTS timescaledb;
