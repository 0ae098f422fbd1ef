module example.com/shop

go 1.22

require (
	github.com/gin-contrib/cors v1.7.2
	github.com/gin-gonic/gin v1.10.0
	github.com/prometheus/client_golang v1.19.1
)
