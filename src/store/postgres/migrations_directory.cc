// Migration 2: the functions behind the internal directory's writes (accounts' addresses,
// memberships, updates and deletion, domain deletion), and the indexes its reads use.
// Contract and concurrency rule as at the top of migrations_functions.cc: the C++ side has
// validated the input (metadata_rules.h: ValidateAccount, ValidateAccountLists — addresses
// normalized "local@domain", no duplicates), and every function locks the account first.
#include "store/postgres/migrations.h"

namespace ringmail::postgres {

extern const char kDirectoryV2[] = R"sql(
CREATE INDEX addresses_account ON addresses (account_id);
CREATE INDEX group_members_member ON group_members (member_id);

-- Replaces the account's addresses: the first is its primary, the others aliases (a list's
-- are all 'list'). RM404 an unknown domain, RM409 an address another account owns.
-- REQUIRES: the account is locked.
CREATE FUNCTION rm_set_addresses(p_account_id bigint, p_type text, p_emails text[])
RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_email text;
  v_at integer;
  v_domain_id bigint;
  v_ord bigint;
BEGIN
  DELETE FROM addresses ad WHERE ad.account_id = p_account_id;
  FOR v_email, v_ord IN SELECT e, o FROM unnest(p_emails) WITH ORDINALITY x(e, o) ORDER BY o LOOP
    v_at := length(v_email) - strpos(reverse(v_email), '@') + 1;
    SELECT d.id INTO v_domain_id FROM domains d WHERE d.name = substr(v_email, v_at + 1);
    IF NOT FOUND THEN
      RAISE EXCEPTION '''%'' is not a local domain (domain add)', substr(v_email, v_at + 1)
        USING ERRCODE = 'RM404';
    END IF;
    BEGIN
      INSERT INTO addresses (account_id, domain_id, local_part, display, kind)
      VALUES (p_account_id, v_domain_id, substr(v_email, 1, v_at - 1), v_email,
              CASE WHEN p_type = 'list' THEN 'list' WHEN v_ord = 1 THEN 'primary'
                   ELSE 'alias' END);
    EXCEPTION WHEN unique_violation THEN
      RAISE EXCEPTION 'address ''%'' belongs to another account', v_email
        USING ERRCODE = 'RM409';
    END;
  END LOOP;
END $$;

-- Replaces the groups and lists the account belongs to. RM404 an unknown name, RM400 one
-- that is an individual (or the account itself). REQUIRES: the account is locked.
CREATE FUNCTION rm_set_member_of(p_account_id bigint, p_groups text[]) RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_name text;
  v_group_id bigint;
  v_type text;
BEGIN
  DELETE FROM group_members gm WHERE gm.member_id = p_account_id;
  FOREACH v_name IN ARRAY p_groups LOOP
    SELECT a.id, a.type INTO v_group_id, v_type FROM accounts a WHERE a.name = v_name;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'no group ''%''', v_name USING ERRCODE = 'RM404';
    END IF;
    IF v_type = 'individual' OR v_group_id = p_account_id THEN
      RAISE EXCEPTION '''%'' is not a group or list', v_name USING ERRCODE = 'RM400';
    END IF;
    INSERT INTO group_members (group_id, member_id) VALUES (v_group_id, p_account_id);
  END LOOP;
END $$;

-- Sets the fields given (NULL: unchanged) of the account named p_name; returns its id.
-- RM404 unknown account; errors of rm_set_addresses and rm_set_member_of.
CREATE FUNCTION rm_update_account(p_name text, p_secret text, p_description text,
                                  p_active boolean, p_quota_bytes bigint, p_emails text[],
                                  p_member_of text[]) RETURNS bigint
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_id bigint;
  v_type text;
BEGIN
  SELECT a.id, a.type INTO v_id, v_type FROM accounts a WHERE a.name = p_name FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no account ''%''', p_name USING ERRCODE = 'RM404';
  END IF;
  UPDATE accounts a
     SET secret = CASE WHEN p_secret IS NULL THEN a.secret ELSE NULLIF(p_secret, '') END,
         description = coalesce(p_description, a.description),
         active = coalesce(p_active, a.active),
         quota_bytes = coalesce(p_quota_bytes, a.quota_bytes)
   WHERE a.id = v_id;
  IF p_emails IS NOT NULL THEN
    PERFORM rm_set_addresses(v_id, v_type, p_emails);
  END IF;
  IF p_member_of IS NOT NULL THEN
    PERFORM rm_set_member_of(v_id, p_member_of);
  END IF;
  RETURN v_id;
END $$;

-- rm_create_account, then the description, addresses and memberships: one transaction.
CREATE FUNCTION rm_add_account(p_name text, p_type text, p_secret text, p_description text,
                               p_active boolean, p_quota_bytes bigint, p_emails text[],
                               p_member_of text[]) RETURNS bigint
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM rm_create_account(p_name, p_type, p_secret, p_active, p_quota_bytes);
  RETURN rm_update_account(p_name, NULL, p_description, NULL, NULL, p_emails, p_member_of);
END $$;

-- Deletes the account: its messages leave as in an expunge (blobs lose their references,
-- usage and counters follow), then the row goes with everything that cascades from it.
-- RM404 unknown account.
CREATE FUNCTION rm_delete_account(p_name text) RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_id bigint;
  v_mailbox_id bigint;
  v_modseq bigint;
BEGIN
  SELECT a.id INTO v_id FROM accounts a WHERE a.name = p_name FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no account ''%''', p_name USING ERRCODE = 'RM404';
  END IF;
  FOR v_mailbox_id IN SELECT m.id FROM mailboxes m WHERE m.account_id = v_id ORDER BY m.id LOOP
    SELECT r.p_modseq INTO v_modseq
      FROM rm_remove_messages(v_id, v_mailbox_id,
                              ARRAY(SELECT mm.uid FROM mailbox_messages mm
                                     WHERE mm.mailbox_id = v_mailbox_id ORDER BY mm.uid),
                              false, v_modseq) r;
  END LOOP;
  DELETE FROM accounts a WHERE a.id = v_id;
END $$;

-- RM404 unknown domain; RM400 while addresses use it.
CREATE FUNCTION rm_delete_domain(p_name text) RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_id bigint;
  v_count bigint;
BEGIN
  SELECT d.id INTO v_id FROM domains d WHERE d.name = p_name FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no domain ''%''', p_name USING ERRCODE = 'RM404';
  END IF;
  SELECT count(*) INTO v_count FROM addresses ad WHERE ad.domain_id = v_id;
  IF v_count > 0 THEN
    RAISE EXCEPTION 'domain ''%'' still has % address(es); remove or change those accounts first',
      p_name, v_count USING ERRCODE = 'RM400';
  END IF;
  DELETE FROM domains d WHERE d.id = v_id;
END $$;
)sql";

}  // namespace ringmail::postgres
