#!/usr/bin/env bash
# Back up a PaperDesk database and prove the backup restores into books that balance.
#
#   deploy/backup-check.sh SOURCE_DB [RESTORE_DB] [BACKUP_FILE]
#
# mariadb-dump --single-transaction takes a consistent snapshot without locking the
# tables (InnoDB), so it runs while PaperDesk serves. The dump is restored into a fresh
# RESTORE_DB (dropped first!), each money table with rows in the dump checked to have
# restored with rows, and `flask audit verify` run on it (a ledger row, order or fill
# missing from the others fails it). Connection: MYSQL_HOST (127.0.0.1), MYSQL_PORT
# (3306), MYSQL_USER (root), MYSQL_PWD (empty). Exits non-zero when the restore or the
# audit fails.
set -euo pipefail
cd "$(dirname "$0")/.."
source_db=${1:?usage: deploy/backup-check.sh SOURCE_DB [RESTORE_DB] [BACKUP_FILE]}
restore_db=${2:-${source_db}_restore}
backup=${3:-$(mktemp --suffix=.sql)}
host=${MYSQL_HOST:-127.0.0.1}
port=${MYSQL_PORT:-3306}
user=${MYSQL_USER:-root}
client=(mariadb --protocol=tcp -h "$host" -P "$port" -u "$user")

echo "== dumping $source_db to $backup"
mariadb-dump --protocol=tcp -h "$host" -P "$port" -u "$user" --single-transaction --quick \
  --routines --triggers --hex-blob "$source_db" > "$backup"

echo "== restoring into a fresh $restore_db"
"${client[@]}" -e "DROP DATABASE IF EXISTS \`$restore_db\`; CREATE DATABASE \`$restore_db\` CHARACTER SET utf8mb4"
"${client[@]}" "$restore_db" < "$backup"

echo "== row counts of the money tables"
for table in account_balance cash_ledger fund_transaction orders transaction portfolio quote_hold; do
  restored=$("${client[@]}" -N -e "SELECT COUNT(*) FROM \`$restore_db\`.\`$table\`")
  in_dump=$(grep -c "^INSERT INTO \`$table\`" "$backup" || true)
  echo "   $table: $restored rows restored"
  if [ "$in_dump" -gt 0 ] && [ "$restored" -eq 0 ]; then
    echo "FAIL: $table was in the dump but restored empty"; exit 1
  fi
done

echo "== audit verify on the restored copy"
DATABASE_URL="mysql+pymysql://$user${MYSQL_PWD:+:$MYSQL_PWD}@$host:$port/$restore_db" \
  WORKER_ENABLED=false .venv/bin/flask --app app audit verify
echo "backup $backup restores and balances"
