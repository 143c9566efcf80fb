-- A user reads the emails queued to them for their GDPR export (ExportMyData); operators keep
-- reading every email (OutboundEmails).
CREATE POLICY outbound_emails_owner_read ON outbound_emails FOR SELECT TO nexanest_app
  USING (user_id = app_user_id());
