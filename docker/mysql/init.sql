-- Run once by the MySQL image on an empty data directory (/docker-entrypoint-initdb.d).
-- Creates the Users table the users producer fills and the JDBC source reads. Never drops it:
-- the data is the source of truth for topic3_Users.
CREATE DATABASE IF NOT EXISTS demo;
USE demo;

CREATE TABLE IF NOT EXISTS Users (
  user_id INT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  age INT,
  gender VARCHAR(10),
  country VARCHAR(200),
  subscription VARCHAR(20)
);

-- Debezium's MySQL connector (scenario course-activity) reads the binlog as `user` (which the image
-- creates from MYSQL_USER before this script runs; IF NOT EXISTS keeps the script runnable on its own).
CREATE USER IF NOT EXISTS 'user'@'%' IDENTIFIED BY 'password';
GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'user'@'%';
FLUSH PRIVILEGES;
