DROP TABLE user_invitations;
DROP TABLE user_zones;
