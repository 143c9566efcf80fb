# Operator's toolbox: every target calls infrastructure/scripts/db-manage.sh (docs/operations.md).
# Targets the embedded PostgreSQL of `npm start` unless the *_DATABASE_URL variables are set.
DB_MANAGE := infrastructure/scripts/db-manage.sh

.DEFAULT_GOAL := help
.PHONY: help db-start db-stop db-restart db-status db-logs db-connect-postgres db-connect-timescale db-connect-redis db-backup db-restore

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{ printf "  make %-22s %s\n", $$1, $$2 }'

db-start: ## Start the embedded PostgreSQL (initialises it on first use); prints the docker command for external servers
	@$(DB_MANAGE) start

db-stop: ## Stop the embedded PostgreSQL started by db-start
	@$(DB_MANAGE) stop

db-restart: ## Stop, then start the embedded PostgreSQL
	@$(DB_MANAGE) restart

db-status: ## Show whether each database and Redis answers
	@$(DB_MANAGE) status

db-logs: ## Show (follow, on a terminal) the embedded server's log
	@$(DB_MANAGE) logs

db-connect-postgres: ## psql to the server, or to one database: make db-connect-postgres DB=portfolio
	@$(DB_MANAGE) connect-postgres $(DB)

db-connect-timescale: ## psql to the time-series database
	@$(DB_MANAGE) connect-timescale

db-connect-redis: ## redis-cli to REDIS_URL (default redis://127.0.0.1:6379)
	@$(DB_MANAGE) connect-redis

db-backup: ## Back up every database and Redis into backups/<UTC time>/ (BACKUP_ENCRYPTION_KEY encrypts)
	@$(DB_MANAGE) backup

db-restore: ## Restore a backup: make db-restore BACKUP=backups/20261122T080000Z [ARGS="--yes --recreate"]
	@test -n "$(BACKUP)" || { echo "usage: make db-restore BACKUP=backups/<folder> [ARGS=--yes]" >&2; exit 2; }
	@$(DB_MANAGE) restore "$(BACKUP)" $(ARGS)
