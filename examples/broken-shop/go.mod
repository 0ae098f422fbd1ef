module example.com/shop

go 1.24

require (
	github.com/gin-contrib/cors v1.7.2
	github.com/gin-gonic/gin v1.10.0
	github.com/mattn/go-sqlite3 v1.14.22
)
